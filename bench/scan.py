"""Make a clean render look like an office scan: skew, paper, blur, noise, JPEG."""
from __future__ import annotations

import cv2
import numpy as np


def rotation_matrix(shape: tuple[int, int], angle: float) -> np.ndarray:
    """The 2×3 affine map ``scan_like`` applies (about the page centre), so boxes
    on the clean page can be carried onto the scan."""
    h, w = shape
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def scan_like(img: np.ndarray, seed: int, *, angle_range: tuple[float, float] = (0.5, 2.0),
              uneven_light: bool = False) -> tuple[np.ndarray, dict]:
    """Return the degraded page and the parameters drawn (kept with the results).

    Parameters stay inside what a decent office scanner at 200 DPI produces:
    a tilt within ``angle_range`` degrees (either way), grey paper, ink a little
    faded, slight softness and sensor noise, then JPEG compression as most
    scan-to-mail setups apply. ``uneven_light`` adds a lid shadow: the paper
    darkens linearly towards one edge. The generated corpus keeps the defaults,
    so its pixels do not change.
    """
    rng = np.random.default_rng(seed)
    params = {
        "angle": round(float(rng.uniform(*angle_range) * rng.choice([-1, 1])), 2),
        "paper": int(rng.integers(232, 248)),
        "ink_contrast": round(float(rng.uniform(0.78, 0.95)), 2),
        "blur_sigma": round(float(rng.uniform(0.6, 1.1)), 2),
        "noise_std": round(float(rng.uniform(5.0, 12.0)), 1),
        "jpeg_quality": int(rng.integers(55, 81)),
    }
    h, w = img.shape
    # Rotate about the centre; white fill, like the scanner lid around a tilted sheet.
    matrix = rotation_matrix(img.shape, params["angle"])
    out = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255).astype(np.float32)
    # Faded ink on grey paper: darkness scaled down, white mapped to the paper tone.
    darkness = (255.0 - out) * params["ink_contrast"]
    paper: float | np.ndarray = float(params["paper"])
    if uneven_light:  # drawn after the others, so the default path draws the same numbers
        params["shadow"] = round(float(rng.uniform(0.12, 0.25)), 2)  # darkest edge loses this share of light
        params["shadow_edge"] = ["left", "right", "top", "bottom"][int(rng.integers(0, 4))]
        ramp = np.linspace(1.0, 0.0, w if params["shadow_edge"] in ("left", "right") else h, dtype=np.float32)
        if params["shadow_edge"] in ("right", "bottom"):
            ramp = ramp[::-1]
        ramp = ramp[None, :] if params["shadow_edge"] in ("left", "right") else ramp[:, None]
        paper = params["paper"] * (1.0 - params["shadow"] * ramp)
    out = paper - darkness * (paper / 255.0)
    out = cv2.GaussianBlur(out, (0, 0), params["blur_sigma"])
    out += rng.normal(0.0, params["noise_std"], out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, params["jpeg_quality"]])
    if not ok:
        raise RuntimeError("OpenCV could not encode the page as JPEG")
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), params
