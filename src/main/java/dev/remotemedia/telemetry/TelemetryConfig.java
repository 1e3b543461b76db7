package dev.remotemedia.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** `remotemedia.telemetry.*`. Prometheus (`/q/metrics`) is always on; tracing is `quarkus.otel.*`. */
@ConfigMapping(prefix = "remotemedia.telemetry")
public interface TelemetryConfig {
    /** CloudWatch export of the metric catalogue (PutMetricData). */
    CloudWatch cloudwatch();

    interface CloudWatch {
        /** Off by default; on ECS the task role needs cloudwatch:PutMetricData for the namespace. */
        @WithDefault("false")
        boolean enabled();

        /** CloudWatch namespace. */
        @WithDefault("RemoteMedia")
        String namespace();

        /** Publishing period in seconds. */
        @WithDefault("60")
        int stepS();

        /** Metric data per PutMetricData request (CloudWatch allows up to 1000). */
        @WithDefault("20")
        int batchSize();

        /** AWS region (default: the SDK's region chain, e.g. AWS_REGION). */
        Optional<String> region();

        /**
         * A {@code service} dimension on every metric (e.g. gpu-workers, cpu-workers), so each
         * service's autoscaling reads its own tasks' load. Empty = no extra dimension.
         */
        Optional<String> service();

        /** Endpoint override (VPC endpoint, tests). */
        Optional<String> endpointOverride();
    }
}
