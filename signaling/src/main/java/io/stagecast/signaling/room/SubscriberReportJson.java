package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.router.ConsumerReport;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.router.SubscriberReport;

import java.util.List;
import java.util.Map;

/**
 * The operator's view of one participant's forwarding (GET /debug/rooms/{room}/participants/{id}/media
 * and the {@code media.debug} request, docs/protocol.md): the media plane's report with each
 * consumer named by the track id the participant sees and each layer by its rid.
 */
final class SubscriberReportJson {
    private SubscriberReportJson() {
    }

    /**
     * @param tracks       the stage tracks when the report was asked for, by producer id
     * @param lastNApplied the last-N signaling gave the media plane for this subscriber
     */
    static ObjectNode of(String participantId, int lastNApplied, SubscriberReport report, Map<String, StageTrack> tracks) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.put("participantId", participantId);
        out.put("transportId", report.transportId());
        out.put("estimateBps", report.estimateBps());
        out.put("allocatedBps", report.allocatedBps());
        out.put("sentBps", report.sentBps());
        out.put("lastN", report.lastN());
        out.put("lastNApplied", lastNApplied);
        ArrayNode consumers = out.putArray("consumers");
        for (ConsumerReport c : report.consumers()) {
            StageTrack track = tracks.get(c.producerId());
            ObjectNode node = consumers.addObject();
            node.put("consumerId", c.consumerId());
            node.put("producerId", c.producerId());
            node.put("trackId", track == null ? null : track.trackId());
            node.put("participantId", track == null ? null : track.participantId());
            node.put("kind", c.kind());
            List<StreamSpec> streams = track == null ? List.of() : track.producer().spec().streams();
            node.put("targetLayer", c.targetLayer());
            node.put("targetRid", ridOf(streams, c.targetLayer()));
            node.put("currentLayer", c.currentLayer());
            node.put("currentRid", ridOf(streams, c.currentLayer()));
            node.put("targetTemporal", c.targetTemporal());
            node.put("reason", c.reason());
            node.put("allocatedBps", c.allocatedBps());
            node.put("sentBps", c.sentBps());
            ObjectNode viewport = node.putObject("viewport");
            viewport.put("visible", c.visible());
            viewport.put("width", c.viewWidth());
            viewport.put("height", c.viewHeight());
            node.put("layerSwitches", c.layerSwitches());
            node.put("keyframeRequests", c.keyframeRequests());
        }
        return out;
    }

    private static String ridOf(List<StreamSpec> streams, int layer) {
        return layer >= 0 && layer < streams.size() ? streams.get(layer).rid() : null;
    }
}
