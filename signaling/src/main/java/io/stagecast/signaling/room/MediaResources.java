package io.stagecast.signaling.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.config.HttpLimits;
import io.stagecast.signaling.token.JoinGrant;

import java.util.HashMap;
import java.util.Map;

/**
 * The node's live WHIP and WHEP resources and their caps: per token identity and per room (429),
 * and for the whole node (503). A resource is counted from its POST until it ends by any path
 * (DELETE, transport closed, removed from the room, session ended). Each refusal is counted in
 * {@code stagecast_whip_whep_refused_total{cap}}. POSTs are rare next to packets, so a monitor is fine.
 */
public final class MediaResources {
    private final int perToken;
    private final int perRoom;
    private final int perNode;
    private final Map<String, MediaResource> bySecret = new HashMap<>();
    private final Map<String, Integer> byIdentity = new HashMap<>();
    private final Map<String, Integer> byRoom = new HashMap<>();
    private final Counter refusedToken;
    private final Counter refusedRoom;
    private final Counter refusedNode;

    public MediaResources(HttpLimits limits, MeterRegistry metrics) {
        this.perToken = limits.mediaPerToken();
        this.perRoom = limits.mediaPerRoom();
        this.perNode = limits.mediaPerNode();
        this.refusedToken = refused(metrics, "token");
        this.refusedRoom = refused(metrics, "room");
        this.refusedNode = refused(metrics, "node");
        for (MediaResource.Kind kind : MediaResource.Kind.values()) {
            Gauge.builder("stagecast.whip_whep.resources", this, r -> r.count(kind))
                    .tag("kind", kind.path()).description("live WHIP/WHEP resources").register(metrics);
        }
    }

    private static Counter refused(MeterRegistry metrics, String cap) {
        return Counter.builder("stagecast.whip_whep.refused").tag("cap", cap)
                .description("WHIP/WHEP POSTs refused by a cap").register(metrics);
    }

    /** Counts a new resource in, or refuses it when a cap is reached (nothing counted then). */
    synchronized MediaResource claim(MediaResource.Kind kind, String room, String participantId, JoinGrant grant,
                                     String identityKey) throws SignalingException {
        String identity = room + "\n" + identityKey;
        if (bySecret.size() >= perNode) {
            refusedNode.increment();
            throw new SignalingException(SignalingException.Code.UNAVAILABLE,
                    "this node serves its maximum of " + perNode + " WHIP/WHEP sessions; try again later");
        }
        if (byRoom.getOrDefault(room, 0) >= perRoom) {
            refusedRoom.increment();
            throw new SignalingException(SignalingException.Code.RATE_LIMITED,
                    "room '" + room + "' has its maximum of " + perRoom + " WHIP/WHEP sessions");
        }
        if (byIdentity.getOrDefault(identity, 0) >= perToken) {
            refusedToken.increment();
            throw new SignalingException(SignalingException.Code.RATE_LIMITED, "this token already has "
                    + perToken + " WHIP/WHEP sessions; DELETE one before starting another");
        }
        MediaResource resource = new MediaResource(kind, room, participantId, grant, identityKey);
        bySecret.put(resource.secret(), resource);
        byRoom.merge(room, 1, Integer::sum);
        byIdentity.merge(identity, 1, Integer::sum);
        return resource;
    }

    /** The live resource of this kind, room and secret, or null: a WHEP URL never finds a WHIP resource. */
    synchronized MediaResource find(MediaResource.Kind kind, String room, String secret) {
        MediaResource r = bySecret.get(secret);
        return r != null && r.kind() == kind && r.room().equals(room) ? r : null;
    }

    /** Counts a resource out; idempotent. */
    synchronized void release(MediaResource resource) {
        if (resource.released) {
            return;
        }
        resource.released = true;
        bySecret.remove(resource.secret());
        decrement(byRoom, resource.room());
        decrement(byIdentity, resource.room() + "\n" + resource.identityKey());
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    }

    synchronized int count(MediaResource.Kind kind) {
        int n = 0;
        for (MediaResource r : bySecret.values()) {
            if (r.kind() == kind) {
                n++;
            }
        }
        return n;
    }
}
