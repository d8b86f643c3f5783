package io.stagecast.signaling.stage;

import java.time.Instant;

/** A chat message as clients see it; {@code replyTo} is the id of the message answered, or null. */
public record ChatMessage(String id, String senderId, String senderName, String text, Instant sentAt, String replyTo,
                          int likes) {
}
