package io.stagecast.sfu.router;

public enum MediaKind {
    AUDIO, VIDEO;

    public static MediaKind of(String sdpMedia) {
        return switch (sdpMedia) {
            case "audio" -> AUDIO;
            case "video" -> VIDEO;
            default -> throw new IllegalArgumentException("not a media kind: " + sdpMedia);
        };
    }

    public String sdpName() {
        return name().toLowerCase();
    }
}
