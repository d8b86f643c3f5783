package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.SubscriberReport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Who is connected to an {@link EdgeRoom} here: its WHEP viewers, web clients and WHIP encoders, each one of
 * the room's participants at the origin (by its id there), and what the origin is still to be
 * told (those who left here). Follows the origin's answers: one it no longer holds is ended here,
 * one it holds in its lobby is shown no track. Guarded by the edge room's monitor; closing the
 * media of one who leaves is done here, the resources are given back by the edge room.
 */
final class EdgeMembers {
    /**
     * @param originId      its participant id in the origin's room
     * @param admittedNanos when it was made here, after the origin admitted it: a poll sent later
     *                      whose answer does not list it means the origin's room removed it
     */
    private record Viewer(MediaResource resource, WhepSubscription subscription, String originId, long admittedNanos) {
    }

    /** A WHIP encoder here, on stage at the origin as {@code originId} (fields as {@link Viewer}'s). */
    private record Publisher(MediaResource resource, EdgePublisher media, String originId, long admittedNanos) {
    }

    /** A web client here ({@link EdgeWebViewer}), fields as {@link Viewer}'s. */
    private record WebViewer(EdgeWebViewer viewer, long admittedNanos) {
    }

    private final Map<String, Viewer> viewers = new LinkedHashMap<>();
    /** By origin id; their lobby is their own (the origin says it to them through their connection). */
    private final Map<String, WebViewer> web = new LinkedHashMap<>();
    private final Map<String, Publisher> publishers = new LinkedHashMap<>();
    /**
     * Viewers here (origin ids) the origin's room holds in its lobby: their subscriptions show no
     * track until a poll's answer no longer lists them (the room's rule, as for a viewer there).
     */
    private final Set<String> waiting = new HashSet<>();
    /** Those who left here (their origin ids) since the last answered poll, which tells the origin. */
    private final Set<String> leftHere = new LinkedHashSet<>();

    void addViewer(MediaResource resource, WhepSubscription subscription, String originId, boolean inLobby,
                   List<StageTrack> stage) {
        if (inLobby) {
            waiting.add(originId);
        }
        viewers.put(resource.secret(), new Viewer(resource, subscription, originId, System.nanoTime()));
        subscription.sync(inLobby ? List.of() : stage);
    }

    void addWeb(EdgeWebViewer viewer) {
        WebViewer replaced = web.put(viewer.originId(), new WebViewer(viewer, System.nanoTime()));
        if (replaced != null) {
            replaced.viewer().end("replaced by a new connection");
        }
    }

    /** A web client's media ended here; false when it was not (or no longer) here. */
    boolean removeWeb(EdgeWebViewer viewer) {
        WebViewer known = web.get(viewer.originId());
        if (known == null || known.viewer() != viewer) {
            return false;
        }
        web.remove(viewer.originId());
        viewer.end(null);
        return true;
    }

    void addPublisher(MediaResource resource, EdgePublisher media, String originId) {
        publishers.put(resource.secret(), new Publisher(resource, media, originId, System.nanoTime()));
    }

    /** The resource of that kind and secret here, or null. */
    MediaResource resource(MediaResource.Kind kind, String secret) {
        if (kind == MediaResource.Kind.WHEP) {
            Viewer viewer = viewers.get(secret);
            return viewer == null ? null : viewer.resource();
        }
        Publisher publisher = publishers.get(secret);
        return publisher == null ? null : publisher.resource();
    }

    /** The resource of the encoder whose media this is, or null (not, or no longer, here). */
    MediaResource resourceOf(EdgePublisher media) {
        for (Publisher publisher : publishers.values()) {
            if (publisher.media() == media) {
                return publisher.resource();
            }
        }
        return null;
    }

    /** Its media ended and it is forgotten: its origin id, or null when it was not here. */
    String remove(MediaResource resource) {
        Viewer viewer = viewers.remove(resource.secret());
        if (viewer != null) {
            viewer.subscription().close();
            waiting.remove(viewer.originId());
            return viewer.originId();
        }
        Publisher publisher = publishers.remove(resource.secret());
        if (publisher != null) {
            publisher.media().close();
            return publisher.originId();
        }
        return null;
    }

    /** The origin is to hear at the next poll that {@code originId} left here. */
    void leftHere(String originId) {
        leftHere.add(originId);
    }

    /** Who left here, for the poll being sent. */
    List<String> leftSoFar() {
        return List.copyOf(leftHere);
    }

    /** The poll that named {@code told} was answered: the origin knows. */
    void told(List<String> told) {
        told.forEach(leftHere::remove);
    }

    /**
     * Those here the origin's room no longer holds ({@code stillThere}: null when unchanged since
     * the last list, or from an origin that does not say), of those made before the poll was
     * sent: to be ended here.
     */
    List<MediaResource> removedAtOrigin(List<String> stillThere, long pollSentNanos) {
        List<MediaResource> gone = new ArrayList<>();
        if (stillThere == null) {
            return gone;
        }
        Set<String> there = new HashSet<>(stillThere);
        for (Viewer viewer : viewers.values()) {
            if (viewer.admittedNanos() - pollSentNanos < 0 && !there.contains(viewer.originId())) {
                gone.add(viewer.resource());
            }
        }
        for (Publisher publisher : publishers.values()) {
            if (publisher.admittedNanos() - pollSentNanos < 0 && !there.contains(publisher.originId())) {
                gone.add(publisher.resource());
            }
        }
        return gone;
    }

    /**
     * The web clients here the origin's room no longer holds (as {@link #removedAtOrigin}). Their
     * removal closes their connections through the origin too; this is the backstop, should
     * that close be late or lost.
     */
    List<EdgeWebViewer> webRemovedAtOrigin(List<String> stillThere, long pollSentNanos) {
        List<EdgeWebViewer> gone = new ArrayList<>();
        if (stillThere == null) {
            return gone;
        }
        Set<String> there = new HashSet<>(stillThere);
        for (WebViewer w : web.values()) {
            if (w.admittedNanos() - pollSentNanos < 0 && !there.contains(w.viewer().originId())) {
                gone.add(w.viewer());
            }
        }
        return gone;
    }

    /**
     * Viewers the room let in from its lobby since they came start watching {@code stage}; one the
     * room holds there again stops. {@code stillWaiting} null: unchanged since the last list (or
     * an origin without a lobby at edges). A viewer made after the poll was sent keeps what its
     * admission said.
     */
    void letIn(List<String> stillWaiting, long pollSentNanos, List<StageTrack> stage) {
        if (stillWaiting == null) {
            return;
        }
        Set<String> now = new HashSet<>(stillWaiting);
        for (Viewer viewer : viewers.values()) {
            if (viewer.admittedNanos() - pollSentNanos >= 0) {
                continue;
            }
            boolean held = now.contains(viewer.originId());
            if (held != waiting.contains(viewer.originId())) {
                if (held) {
                    waiting.add(viewer.originId());
                } else {
                    waiting.remove(viewer.originId());
                }
                viewer.subscription().sync(held ? List.of() : stage);
            }
        }
    }

    /** The stage changed: each viewer is shown it (none while the room holds it in its lobby). */
    void show(List<StageTrack> stage) {
        for (Viewer viewer : viewers.values()) {
            viewer.subscription().sync(waiting.contains(viewer.originId()) ? List.of() : stage);
        }
        for (WebViewer w : web.values()) {
            w.viewer().sync(stage);
        }
    }

    /** What the forwarding towards each viewer here decided. */
    List<CompletableFuture<SubscriberReport>> reports(Router router) {
        List<CompletableFuture<SubscriberReport>> out = new ArrayList<>();
        for (Viewer viewer : viewers.values()) {
            out.add(router.subscriberReport(viewer.subscription().transport()));
        }
        for (WebViewer w : web.values()) {
            out.add(router.subscriberReport(w.viewer().subscription().transport()));
        }
        return out;
    }

    /** What the forwarding towards the viewer here with that origin id decided; null when none receives here. */
    CompletableFuture<SubscriberReport> report(Router router, String originId) {
        for (Viewer viewer : viewers.values()) {
            if (viewer.originId().equals(originId)) {
                return router.subscriberReport(viewer.subscription().transport());
            }
        }
        WebViewer w = web.get(originId);
        return w == null ? null : router.subscriberReport(w.viewer().subscription().transport());
    }

    boolean isEmpty() {
        return viewers.isEmpty() && publishers.isEmpty() && web.isEmpty();
    }

    int webCount() {
        return web.size();
    }

    void tellWeb(com.fasterxml.jackson.databind.node.ObjectNode event) {
        for (WebViewer w : web.values()) {
            w.viewer().tell(event.deepCopy());
        }
    }

    /** The web client here with that origin id, or null. */
    EdgeWebViewer web(String originId) {
        WebViewer w = web.get(originId);
        return w == null ? null : w.viewer();
    }

    int viewerCount() {
        return viewers.size();
    }

    int publisherCount() {
        return publishers.size();
    }

    /** Everyone's media ended (the relay's end): their resources, to be given back. */
    List<MediaResource> closeAll() {
        List<MediaResource> resources = new ArrayList<>();
        for (Viewer viewer : viewers.values()) {
            viewer.subscription().close();
            resources.add(viewer.resource());
        }
        for (Publisher publisher : publishers.values()) {
            publisher.media().close();
            resources.add(publisher.resource());
        }
        for (WebViewer w : web.values()) {
            w.viewer().end("the stage of this node ended: reconnect");
        }
        viewers.clear();
        publishers.clear();
        web.clear();
        waiting.clear();
        return resources;
    }
}
