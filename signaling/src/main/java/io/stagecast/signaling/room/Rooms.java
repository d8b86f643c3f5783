package io.stagecast.signaling.room;

import io.stagecast.sfu.MediaNode;
import io.stagecast.signaling.stage.StageLimits;
import io.stagecast.signaling.token.JoinTokens;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The rooms of this node. A room comes into being with its first valid join token and goes away
 * after it has been idle (nobody in it) for {@link #IDLE_LIMIT}, so rooms made by old links do not
 * pile up; one timer thread runs every room's once-a-second work (reconnect grace, invitation
 * expiry, voice activity) and hands each room the media plane's news (dominant speaker, layer
 * demand) and reports, off the media loop.
 */
public final class Rooms {
    private static final Logger log = LoggerFactory.getLogger(Rooms.class);
    private final MediaNode node;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("room-timer", true));

    static final Duration IDLE_LIMIT = Duration.ofMinutes(10);
    private final StageLimits limits;
    private final Map<String, Long> idleSince = new ConcurrentHashMap<>();
    private volatile String keep;

    private final JoinTokens tokens;
    private final MediaResources resources;
    private final LastNPolicy lastN;

    /**
     * @param tokens    redeems single-use tokens when a join succeeds
     * @param resources the node's WHIP/WHEP resources and their caps
     */
    public Rooms(MediaNode node, StageLimits limits, JoinTokens tokens, MediaResources resources) {
        this(node, limits, tokens, resources, LastNPolicy.DEFAULTS);
    }

    /** @param lastN {@code media.last-n} and {@code media.last-n-mobile} */
    public Rooms(MediaNode node, StageLimits limits, JoinTokens tokens, MediaResources resources, LastNPolicy lastN) {
        this.lastN = lastN;
        this.node = node;
        this.limits = limits;
        this.tokens = tokens;
        this.resources = resources;
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    public Room getOrCreate(String name) {
        return rooms.computeIfAbsent(name, n -> new Room(n, node, limits, tokens, resources, lastN, timer));
    }

    public Room get(String name) {
        return rooms.get(name);
    }

    public Collection<Room> all() {
        return List.copyOf(rooms.values());
    }

    public int participantCount() {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.size();
        }
        return n;
    }

    /** A room that is never removed for idleness (the configured demo room). */
    public void keep(String name) {
        keep = name;
        getOrCreate(name);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Room room : rooms.values()) {
            try {
                room.tick();
                if (!room.isIdle() || room.name().equals(keep)) {
                    idleSince.remove(room.name());
                } else if (now - idleSince.computeIfAbsent(room.name(), n -> now) > IDLE_LIMIT.toNanos()
                        && rooms.remove(room.name(), room)) {
                    idleSince.remove(room.name());
                    room.close();
                    log.info("room {} removed after {} idle", room.name(), IDLE_LIMIT);
                }
            } catch (RuntimeException e) {
                log.warn("tick of room {} failed", room.name(), e);
            }
        }
    }

    public void close() {
        timer.shutdownNow();
        for (Room room : rooms.values()) {
            room.close();
        }
        rooms.clear();
    }
}
