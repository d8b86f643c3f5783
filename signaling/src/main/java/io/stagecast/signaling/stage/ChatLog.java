package io.stagecast.signaling.stage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat history: bounded (oldest dropped first), with likes and one pinned message. The room's
 * chat and the backchannel each have one, with their own id prefix so an id names one message.
 */
final class ChatLog {
    private final String idPrefix;
    private final int capacity;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long nextId = 1;
    private String pinnedId;

    private static final class Entry {
        final ChatMessage message;
        final Set<String> likers = new HashSet<>();

        Entry(ChatMessage message) {
            this.message = message;
        }

        ChatMessage view() {
            ChatMessage m = message;
            return new ChatMessage(m.id(), m.senderId(), m.senderName(), m.text(), m.sentAt(), m.replyTo(), likers.size());
        }
    }

    ChatLog(String idPrefix, int capacity) {
        this.idPrefix = idPrefix;
        this.capacity = capacity;
    }

    boolean contains(String messageId) {
        return entries.containsKey(messageId);
    }

    String senderOf(String messageId) {
        Entry e = entries.get(messageId);
        return e == null ? null : e.message.senderId();
    }

    boolean hasLiked(String messageId, String participantId) {
        Entry e = entries.get(messageId);
        return e != null && e.likers.contains(participantId);
    }

    String pinnedId() {
        return pinnedId;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Appends a message. If that pushed the oldest message out and it was the pinned one, the pin
     * is gone too: the result says so ({@code unpinned}).
     */
    Posted post(String senderId, String senderName, String text, Instant sentAt, String replyTo) {
        ChatMessage message = new ChatMessage(idPrefix + nextId++, senderId, senderName, text, sentAt, replyTo, 0);
        entries.put(message.id(), new Entry(message));
        boolean unpinned = false;
        if (entries.size() > capacity) {
            Iterator<String> oldest = entries.keySet().iterator();
            String dropped = oldest.next();
            oldest.remove();
            if (dropped.equals(pinnedId)) {
                pinnedId = null;
                unpinned = true;
            }
        }
        return new Posted(message, unpinned);
    }

    record Posted(ChatMessage message, boolean unpinned) {
    }

    /** @return the message's like count afterwards */
    int setLiked(String messageId, String participantId, boolean liked) {
        Entry e = entries.get(messageId);
        if (liked) {
            e.likers.add(participantId);
        } else {
            e.likers.remove(participantId);
        }
        return e.likers.size();
    }

    /** @return whether the deleted message was the pinned one */
    boolean delete(String messageId) {
        entries.remove(messageId);
        if (messageId.equals(pinnedId)) {
            pinnedId = null;
            return true;
        }
        return false;
    }

    void pin(String messageId) {
        pinnedId = messageId;
    }

    void clear() {
        entries.clear();
        pinnedId = null;
    }

    List<ChatMessage> messages() {
        List<ChatMessage> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            out.add(e.view());
        }
        return out;
    }

    DurableRoom.Chat durable() {
        List<DurableRoom.Message> messages = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            ChatMessage m = e.message;
            messages.add(new DurableRoom.Message(m.id(), m.senderId(), m.senderName(), m.text(),
                    m.sentAt().toString(), m.replyTo(), List.copyOf(e.likers)));
        }
        return new DurableRoom.Chat(messages, nextId, pinnedId);
    }

    /** Replaces the history with a kept one (its newest {@code capacity} messages, if this log keeps fewer). */
    void restore(DurableRoom.Chat kept) {
        entries.clear();
        List<DurableRoom.Message> messages = kept.messages();
        for (DurableRoom.Message m : messages.subList(Math.max(0, messages.size() - capacity), messages.size())) {
            Entry e = new Entry(new ChatMessage(m.id(), m.senderId(), m.senderName(), m.text(),
                    Instant.parse(m.sentAt()), m.replyTo(), 0));
            e.likers.addAll(m.likers());
            entries.put(m.id(), e);
        }
        nextId = kept.nextId();
        pinnedId = kept.pinnedId() != null && entries.containsKey(kept.pinnedId()) ? kept.pinnedId() : null;
    }

    String debugState() {
        StringBuilder sb = new StringBuilder("pinned=").append(pinnedId).append(" next=").append(nextId);
        for (Entry e : entries.values()) {
            sb.append("\n  ").append(e.message).append(" likers=").append(new java.util.TreeSet<>(e.likers));
        }
        return sb.toString();
    }
}
