"""Data contracts: pandera schemas for every raw table and the built panel, and the codebook."""
