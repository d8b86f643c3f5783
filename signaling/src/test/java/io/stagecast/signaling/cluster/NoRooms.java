package io.stagecast.signaling.cluster;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A node with no rooms to keep: for tests of registration and placement alone. */
final class NoRooms implements RoomStateStore.Host {
    static final NoRooms HOST = new NoRooms();

    private NoRooms() {
    }

    @Override
    public CompletableFuture<Optional<String>> export(String room) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public boolean hosts(String room) {
        return false;
    }

    @Override
    public void restore(String room, String json) {
    }

    @Override
    public void servedElsewhere(String room) {
    }
}
