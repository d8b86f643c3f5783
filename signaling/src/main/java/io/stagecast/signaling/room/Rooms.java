package io.stagecast.signaling.room;

import io.stagecast.sfu.MediaNode;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The rooms of this node. A room comes into being with its first valid join token. */
public final class Rooms {
    private final MediaNode node;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

    public Rooms(MediaNode node) {
        this.node = node;
    }

    public Room getOrCreate(String name) {
        return rooms.computeIfAbsent(name, n -> new Room(n, node));
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

    public void close() {
        for (Room room : rooms.values()) {
            room.close();
        }
        rooms.clear();
    }
}
