"""Networks over time: windows, building, metrics, drawing and exports."""
