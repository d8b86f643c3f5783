package io.stagecast.signaling.room;

import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;

/**
 * A WHIP or WHEP session as HTTP sees it (RFC 9725 "resource"): addressed by a secret of its own,
 * never by the participant id that every snapshot shows, and owned by the token that made it.
 */
public final class MediaResource {
    public enum Kind {
        WHIP, WHEP;

        /** The first path segment, {@code whip} or {@code whep}. */
        public String path() {
            return name().toLowerCase();
        }
    }

    private final Kind kind;
    private final String room;
    private final String secret;
    private final String participantId;
    private final String ownerId;
    private final String identityKey;
    private final String etag;
    /** Set once counted out of the caps; guarded by {@link MediaResources}. */
    boolean released;

    MediaResource(Kind kind, String room, String participantId, JoinGrant grant, String identityKey) {
        this.kind = kind;
        this.room = room;
        // 128 random bits (RandomIds): a resource URL cannot be guessed or derived from what others see.
        this.secret = RandomIds.tokenId();
        this.participantId = participantId;
        this.ownerId = grant.named() ? grant.participantId() : null;
        this.identityKey = identityKey;
        this.etag = "\"" + RandomIds.tokenId() + "\"";
    }

    public Kind kind() {
        return kind;
    }

    public String room() {
        return room;
    }

    /** The last segment of the resource URL. */
    public String secret() {
        return secret;
    }

    /** The participant this resource is in the room (shown to others). */
    public String participantId() {
        return participantId;
    }

    /** The resource URL, {@code /whip/{room}/{secret}}, as sent in {@code Location}. */
    public String location() {
        return "/" + kind.path() + "/" + room + "/" + secret;
    }

    /** A quoted entity tag for the ICE session (RFC 9725 4.3, RFC 9110 8.8.3). */
    public String etag() {
        return etag;
    }

    String identityKey() {
        return identityKey;
    }

    /**
     * Whether {@code grant} is the token identity that created this resource: the same named
     * participant. A token that names nobody gives a fresh id on every use, so for a resource made
     * with one, knowing its secret URL is the only proof there is.
     */
    boolean createdBy(JoinGrant grant) {
        if (ownerId == null) {
            return true;
        }
        return grant.named() && ownerId.equals(grant.participantId());
    }
}
