package io.stagecast.signaling.room;

/**
 * How many video tracks one viewer receives at most (the rest are paused for it by the media
 * plane): the room's {@code lastN} setting, which starts at {@code media.last-n}, and for a phone
 * no more than {@code media.last-n-mobile}, since a small screen shows few tiles and a mobile
 * link and decoder take few streams.
 *
 * @param roomDefault {@code media.last-n}: a new room's {@code lastN}
 * @param mobile      {@code media.last-n-mobile}
 */
public record LastNPolicy(int roomDefault, int mobile) {
    public static final LastNPolicy DEFAULTS = new LastNPolicy(25, 4);

    public LastNPolicy {
        if (roomDefault < 1 || mobile < 1) {
            throw new IllegalArgumentException("last-N must be at least 1");
        }
    }

    /** The cap for one viewer of a room whose setting is {@code roomSetting}. */
    public int forViewer(int roomSetting, boolean phone) {
        return phone ? Math.min(roomSetting, mobile) : roomSetting;
    }
}
