package io.stagecast.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsScrapeTest {
    private static final String TEXT = """
            # HELP stagecast_transports transports now, by state
            # TYPE stagecast_transports gauge
            stagecast_transports{state="connected"} 5.0
            stagecast_transports{state="connecting"} 1.0
            stagecast_transports{state="new"} 0.0
            stagecast_transports_ended_total{state="closed"} 170.0
            jvm_memory_used_bytes{area="heap",id="ZGC Old Generation"} 2.0E7
            jvm_memory_used_bytes{area="heap",id="ZGC Young Generation"} 4000000.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
            stagecast_media_keyframe_requests_total{reason="upstream_loss"} 12.0
            stagecast_media_keyframe_requests_total{reason="start"} 3.0
            stagecast_build_info{java="25 (a b)",version="0.1.0"} 1.0
            stagecast_participants 4.0
            """;

    @Test
    void sumsEverySeriesOfANameAndNoOtherName() {
        MetricsScrape m = MetricsScrape.parse(TEXT);
        assertEquals(6, m.sum(MetricsScrape.TRANSPORTS));
        assertEquals(4, m.sum(MetricsScrape.PARTICIPANTS));
        assertEquals(1, m.sum("stagecast_build_info"));
        assertEquals(0, m.sum("stagecast_rooms"));
        assertFalse(m.has("stagecast_rooms"));
    }

    @Test
    void sumsOnlyTheSeriesWithTheLabelValue() {
        MetricsScrape m = MetricsScrape.parse(TEXT);
        assertEquals(24e6, m.sum(MetricsScrape.MEMORY_USED, "area", "heap"));
        assertEquals(12, m.sum("stagecast_media_keyframe_requests_total", "reason", "upstream_loss"));
        assertTrue(m.has("stagecast_media_keyframe_requests_total"));
        assertEquals(Map.of("upstream_loss", 12.0, "start", 3.0), m.byLabel("stagecast_media_keyframe_requests_total", "reason"));
    }
}
