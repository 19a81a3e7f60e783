"""What operators see: Prometheus metrics, log lines, OpenTelemetry traces."""
