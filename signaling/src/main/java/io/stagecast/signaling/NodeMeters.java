package io.stagecast.signaling;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagecast.signaling.cli.StagecastVersion;

/**
 * The node's Prometheus registry with what an operator needs beside the node's own meters: JVM
 * memory, GC (pauses, allocation, live data), threads, classes, CPU, uptime and file descriptors,
 * and {@code stagecast_build_info}. Every name passes {@code promtool check metrics}
 * (docs/operations.md): two of Micrometer's own do not, and are renamed or dropped here.
 */
final class NodeMeters implements AutoCloseable {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    NodeMeters() {
        registry.config()
                // "process_cpu_time_ns_total": an abbreviated unit; process_cpu_usage says the same.
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                // "system_cpu_count": a _count suffix on a gauge reads as a histogram's.
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("stagecast.build.info", () -> 1).tag("version", StagecastVersion.version())
                .tag("java", System.getProperty("java.version"))
                .description("the running build: 1, with its version and Java's as labels").register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
