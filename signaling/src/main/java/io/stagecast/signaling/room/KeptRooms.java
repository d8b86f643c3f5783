package io.stagecast.signaling.room;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.cluster.RoomStateStore;
import io.stagecast.signaling.stage.DurableRoom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The node's rooms as cluster mode keeps them in Redis (issue 14): each room's durable state as
 * JSON, read on the room's own executor (the only place its state may be read), and a room made
 * again from such JSON on the node that takes it over when its origin died.
 */
public final class KeptRooms implements RoomStateStore.Host {
    /** Bumped when the JSON changes in a way an older node cannot read; a node refuses other versions. */
    static final int VERSION = 1;
    private static final Logger log = LoggerFactory.getLogger(KeptRooms.class);
    /**
     * A person as a JSON array (its fields in declaration order), not an object: a room's people
     * are most of its state, and naming 14 fields for each of 5,000 doubles it (306 B a person as
     * objects). Through a mix-in, so the stage package knows no JSON.
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    private interface AsArray {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(DurableRoom.Person.class, AsArray.class);

    /**
     * What is kept of a room: its stage's durable state, what the API set for the room itself, and
     * the single-use tokens its joins used up (id to when it may be forgotten, ISO-8601).
     */
    record Kept(int version, long idleLimitMillis, DurableRoom stage, Map<String, String> redeemedTokens) {
    }

    private final Rooms rooms;

    public KeptRooms(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public CompletableFuture<Optional<String>> export(String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<String>> json = new CompletableFuture<>();
        room.executor().execute(() -> {
            try {
                json.complete(Optional.of(write(room.kept())));
            } catch (RuntimeException e) {
                json.completeExceptionally(e);
            }
        });
        return json;
    }

    @Override
    public boolean hosts(String name) {
        return rooms.get(name) != null;
    }

    @Override
    public void restore(String name, String json) {
        Kept kept;
        try {
            kept = read(json);
        } catch (IllegalArgumentException e) {
            // A room that cannot be read is served fresh rather than not at all.
            log.warn("cluster: the kept state of room {} cannot be read ({}); the room starts afresh", name,
                    e.getMessage());
            return;
        }
        rooms.restore(name, kept);
    }

    @Override
    public void servedElsewhere(String name) {
        Room room = rooms.get(name);
        if (room != null) {
            // On the room's executor, its one owner; node work, never refused.
            room.executor().execute(() -> rooms.remove(name, "moved to its origin"));
        }
    }

    static String write(Kept kept) {
        try {
            return JSON.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a room's state always has a JSON form", e);
        }
    }

    /** @throws IllegalArgumentException if it is not a kept room of this {@link #VERSION} */
    static Kept read(String json) {
        Kept kept;
        try {
            kept = JSON.readValue(json, Kept.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a kept room: " + e.getOriginalMessage(), e);
        }
        if (kept == null || kept.version() != VERSION || kept.stage() == null) {
            throw new IllegalArgumentException("not a kept room of version " + VERSION);
        }
        return kept;
    }

    static Duration idleLimitOf(Kept kept) {
        return kept.idleLimitMillis() > 0 ? Duration.ofMillis(kept.idleLimitMillis()) : Rooms.IDLE_LIMIT;
    }
}
