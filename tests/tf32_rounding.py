"""What a GPU's TF32 tensor cores do to float32 operands, for tests of the reference guard."""
from __future__ import annotations

import numpy as np


def tf32(x: np.ndarray) -> np.ndarray:
    """float32 values with their mantissas rounded to 10 bits (to nearest, ties to even), as
    TF32 rounds each operand of a product."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x0FFF) + ((bits >> np.uint32(13)) & np.uint32(1))) & np.uint32(0xFFFFE000)
    return rounded.view(np.float32)
