"""Map axes labelled in degrees: ticks at round latitudes and longitudes, placed in Mercator metres."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from app.ui.search.projection import to_lat_lon, to_mercator


class DegreeAxis(pg.AxisItem):
    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self._is_lat = orientation in ("left", "right")
        self.enableAutoSIPrefix(False)

    def _to_degrees(self, values):
        if self._is_lat:
            return to_lat_lon(0.0, np.asarray(values))[0]
        return to_lat_lon(np.asarray(values), 0.0)[1]

    def _to_metres(self, degrees):
        if self._is_lat:
            return to_mercator(np.asarray(degrees), 0.0)[1]
        return to_mercator(0.0, np.asarray(degrees))[0]

    def tickValues(self, minVal, maxVal, size):
        lo, hi = (float(v) for v in self._to_degrees([minVal, maxVal]))
        if not np.isfinite(lo) or not np.isfinite(hi) or hi <= lo:
            return []
        levels = super().tickValues(lo, hi, size)
        # Spacing stays in degrees (tickStrings reads it); the positions go back to metres.
        return [(spacing, list(self._to_metres(values))) for spacing, values in levels]

    def tickStrings(self, values, scale, spacing):
        decimals = max(0, min(6, int(np.ceil(-np.log10(spacing))) if spacing > 0 else 3))
        suffix = ("N", "S") if self._is_lat else ("E", "W")
        out = []
        for d in self._to_degrees(values):
            out.append(f"{abs(d):.{decimals}f}°{suffix[0] if d >= 0 else suffix[1]}")
        return out
