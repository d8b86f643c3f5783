package io.stagecast.signaling.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.room.RoomListener;
import io.stagecast.signaling.stage.Delivery;
import io.stagecast.signaling.stage.ParticipantState;
import io.stagecast.signaling.stage.Place;
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.ws.StageJson;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Turns what rooms do into the webhook events of docs/api.md and hands them on (to a
 * {@link WebhookDispatcher}). The stage's events are deltas, so each room's admitted participants
 * and their places are followed here to tell {@code stage.joined} and {@code stage.left} (with the
 * reason the stage gave) from other changes, and to say who left when the session ends or the
 * room goes. Called under each room's lock; the per-room state is only touched there.
 */
public final class WebhookEvents implements RoomListener {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Consumer<WebhookEvent> sink;
    private final Clock clock;
    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();

    public WebhookEvents(Consumer<WebhookEvent> sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Who is admitted and where, as the webhooks told it so far. */
    private static final class RoomState {
        final Map<String, Place> places = new LinkedHashMap<>();
    }

    @Override
    public void roomCreated(String room) {
        rooms.put(room, new RoomState());
        emit(room, "room.created", JSON.objectNode());
    }

    @Override
    public void roomEnded(String room, String reason) {
        RoomState state = rooms.remove(room);
        if (state != null) {
            synchronized (state) {
                everyoneLeaves(room, state, reason.equals("idle") ? "room_ended" : "room_" + reason);
            }
        }
        emit(room, "room.ended", JSON.objectNode().put("reason", reason));
    }

    @Override
    public void delivered(String room, List<Delivery> deliveries) {
        RoomState state = rooms.computeIfAbsent(room, r -> new RoomState());
        synchronized (state) {
            Map<String, String> exits = new HashMap<>();
            for (Delivery d : deliveries) {
                if (d.event() instanceof StageEvent.MovedToViewer moved) {
                    // A moderator stepping down is "removed" by themselves: to the application, they left.
                    boolean own = moved.participantId().equals(moved.byId());
                    exits.put(moved.participantId(), own ? "left" : moved.reason().name().toLowerCase(Locale.ROOT));
                }
            }
            for (Delivery d : deliveries) {
                map(room, state, d.event(), exits);
            }
        }
    }

    private void map(String room, RoomState state, StageEvent event, Map<String, String> exits) {
        if (event instanceof StageEvent.ParticipantAdded added) {
            ParticipantState p = added.participant();
            if (state.places.containsKey(p.id())) {
                return;
            }
            state.places.put(p.id(), p.place());
            emit(room, "participant.joined", JSON.objectNode().set("participant", StageJson.participant(p)));
            if (p.place() == Place.STAGE) {
                stageJoined(room, p);
            }
        } else if (event instanceof StageEvent.ParticipantChanged changed) {
            ParticipantState p = changed.participant();
            Place before = state.places.get(p.id());
            if (before == null) {
                return;
            }
            state.places.put(p.id(), p.place());
            if (before != Place.STAGE && p.place() == Place.STAGE) {
                stageJoined(room, p);
            } else if (before == Place.STAGE && p.place() != Place.STAGE) {
                stageLeft(room, p.id(), exits.getOrDefault(p.id(), "left"));
            }
        } else if (event instanceof StageEvent.ParticipantRemoved removed) {
            Place before = state.places.remove(removed.participantId());
            if (before == Place.STAGE) {
                stageLeft(room, removed.participantId(), "left_room");
            }
            if (before != null) {
                left(room, removed.participantId(), removed.reason().name().toLowerCase(Locale.ROOT));
            }
        } else if (event instanceof StageEvent.StageRequestReceived request) {
            emit(room, "stage.requested", JSON.objectNode().put("participantId", request.participantId())
                    .put("name", request.name()));
        } else if (event instanceof StageEvent.SessionStarted started) {
            emit(room, "session.started", JSON.objectNode().put("by", started.byId()));
        } else if (event instanceof StageEvent.SessionEnded ended) {
            everyoneLeaves(room, state, "session_ended");
            emit(room, "session.ended", JSON.objectNode().put("by", ended.byId()));
        }
    }

    /** The session ended or the room went: the stage empties, then everyone still there leaves. */
    private void everyoneLeaves(String room, RoomState state, String reason) {
        state.places.forEach((id, place) -> {
            if (place == Place.STAGE) {
                stageLeft(room, id, reason);
            }
        });
        state.places.keySet().forEach(id -> left(room, id, reason));
        state.places.clear();
    }

    private void stageJoined(String room, ParticipantState p) {
        emit(room, "stage.joined", JSON.objectNode().put("participantId", p.id()).put("name", p.name()));
    }

    private void stageLeft(String room, String participantId, String reason) {
        emit(room, "stage.left", JSON.objectNode().put("participantId", participantId).put("reason", reason));
    }

    private void left(String room, String participantId, String reason) {
        emit(room, "participant.left", JSON.objectNode().put("participantId", participantId).put("reason", reason));
    }

    @Override
    public void trackPublished(String room, String participantId, String trackId, TrackKind kind) {
        emit(room, "track.published", track(participantId, trackId, kind));
    }

    @Override
    public void trackUnpublished(String room, String participantId, String trackId, TrackKind kind) {
        emit(room, "track.unpublished", track(participantId, trackId, kind));
    }

    private static ObjectNode track(String participantId, String trackId, TrackKind kind) {
        return JSON.objectNode().put("participantId", participantId).put("trackId", trackId)
                .put("kind", kind.name().toLowerCase(Locale.ROOT));
    }

    private void emit(String room, String type, ObjectNode data) {
        sink.accept(new WebhookEvent("evt_" + UUID.randomUUID().toString().replace("-", ""), type, room, clock.instant(), data));
    }
}
