package io.stagecast.signaling.token;

/**
 * What an API token allows its caller (claim {@code grants}, e.g.
 * {@code {"roomCreate":true,"roomList":true,"roomAdmin":"*"}}). A token should carry only what its
 * call needs: the CLI asks for {@code roomAdmin} of one room to end that room.
 *
 * @param roomCreate may create rooms
 * @param roomList   may list rooms (also implied by {@code roomAdmin} {@value #ALL_ROOMS})
 * @param roomAdmin  the room it administers (settings, session, participants, tokens, end, delete),
 *                   {@value #ALL_ROOMS} for every room, {@code null} for none
 */
public record ApiGrants(boolean roomCreate, boolean roomList, String roomAdmin) {

    public static final String ALL_ROOMS = "*";
    public static final ApiGrants NONE = new ApiGrants(false, false, null);

    public ApiGrants {
        if (roomAdmin != null && roomAdmin.isBlank()) {
            throw new IllegalArgumentException("roomAdmin names a room or '*'");
        }
    }

    public static ApiGrants roomCreation() {
        return new ApiGrants(true, false, null);
    }

    public static ApiGrants roomListing() {
        return new ApiGrants(false, true, null);
    }

    public static ApiGrants adminOf(String room) {
        return new ApiGrants(false, false, room);
    }

    /** Everything: what an operator's own scripts use. */
    public static ApiGrants all() {
        return new ApiGrants(true, true, ALL_ROOMS);
    }

    public boolean mayCreateRooms() {
        return roomCreate;
    }

    public boolean mayListRooms() {
        return roomList || ALL_ROOMS.equals(roomAdmin);
    }

    public boolean mayAdminister(String room) {
        return roomAdmin != null && (roomAdmin.equals(ALL_ROOMS) || roomAdmin.equals(room));
    }
}
