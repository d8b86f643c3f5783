package io.stagecast.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Join tokens an operator hands over ({@code --token}, {@code --tokens-file}), for a node whose
 * keys the tester never sees. Participant {@code i} of a kind uses token {@code i mod n} of that
 * kind, so fewer tokens than participants means reuse, which the token model allows only for a
 * token that names nobody (no {@code sub}: every join becomes a new participant) and is not
 * single-use ({@code su}); a named token joined twice is a reconnect of one participant that
 * closes the first connection. That, the room, the roles and the expiry are checked here from the
 * claims before anything joins (the signature cannot be checked without the key: the node does).
 */
final class GivenTokens implements JoinCredentials {

    enum Kind { PUBLISHER, VIEWER }

    /** One given token and what its (unverified) claims say. */
    /** @param where the option or file and the entry's number in it, for messages (never the token itself) */
    record Entry(Kind kind, String token, String room, String role, String participantId, boolean singleUse,
                 boolean viewOnly, Instant expiresAt, String where) {

        boolean reusable() {
            return participantId == null && !singleUse;
        }

        String label() {
            return "the " + kind.name().toLowerCase(Locale.ROOT) + " token of " + where;
        }
    }

    private final String room;
    private final List<String> publisherTokens;
    private final List<String> viewerTokens;

    private GivenTokens(String room, List<String> publisherTokens, List<String> viewerTokens) {
        this.room = room;
        this.publisherTokens = publisherTokens;
        this.viewerTokens = viewerTokens;
    }

    /**
     * @param room {@code --room}, or null to take the tokens' room
     * @throws IllegalArgumentException when the tokens cannot serve this run, saying what to give instead
     */
    static GivenTokens of(List<Entry> entries, String room, int publishers, int viewers) {
        List<Entry> pubs = entries.stream().filter(e -> e.kind() == Kind.PUBLISHER).toList();
        List<Entry> views = entries.stream().filter(e -> e.kind() == Kind.VIEWER).toList();
        if (pubs.isEmpty()) {
            throw new IllegalArgumentException("no publisher token given (publisher=TOKEN): publishers go on stage, "
                    + "which needs a moderator's token (or a speaker's once the session is live)");
        }
        if (viewers > 0 && views.isEmpty()) {
            throw new IllegalArgumentException("no viewer token given (viewer=TOKEN) for --viewers " + viewers);
        }
        String tokensRoom = entries.get(0).room();
        for (Entry e : entries) {
            if (!e.room().equals(tokensRoom)) {
                throw new IllegalArgumentException("the tokens are for different rooms: '" + tokensRoom + "' and '"
                        + e.room() + "' (" + e.label() + ")");
            }
            if (e.expiresAt() != null && e.expiresAt().isBefore(Instant.now())) {
                throw new IllegalArgumentException(e.label() + " expired at " + e.expiresAt());
            }
        }
        if (room != null && !room.equals(tokensRoom)) {
            throw new IllegalArgumentException("--room " + room + " but the tokens are for room '" + tokensRoom + "'");
        }
        for (Entry e : pubs) {
            if (e.viewOnly() || !(e.role().equals("moderator") || e.role().equals("speaker"))) {
                throw new IllegalArgumentException(e.label() + " is " + (e.viewOnly() ? "view-only" : e.role())
                        + ": a publisher needs a moderator's token (or a speaker's once the session is live)");
            }
        }
        requireEnough(pubs, publishers, "--publishers");
        requireEnough(views, viewers, "--viewers");
        return new GivenTokens(tokensRoom, pubs.stream().map(Entry::token).toList(),
                views.stream().map(Entry::token).toList());
    }

    private static void requireEnough(List<Entry> tokens, int participants, String option) {
        if (participants <= tokens.size()) {
            return;
        }
        for (Entry e : tokens) {
            if (!e.reusable()) {
                throw new IllegalArgumentException(option + " " + participants + " with " + tokens.size()
                        + " token(s) reuses them, but " + e.label() + (e.participantId() != null
                        ? " names participant '" + e.participantId() + "' (a second join with it takes over the first one's connection)"
                        : " is single-use")
                        + ": give one token per participant, or one minted without participantId and not single-use "
                        + "(POST /api/v1/rooms/{room}/tokens {\"role\": \"attendee\", \"viewOnly\": true})");
            }
        }
    }

    /** {@code publisher=TOKEN} / {@code viewer=TOKEN} entries; {@code source} names where they came from. */
    static List<Entry> parse(List<String> lines, String source) {
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String kind = eq < 0 ? "" : line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!kind.equals("publisher") && !kind.equals("viewer")) {
                throw new IllegalArgumentException(source + " entry " + number + " is not publisher=TOKEN or viewer=TOKEN: "
                        + shortForm(line));
            }
            entries.add(entry(kind.equals("publisher") ? Kind.PUBLISHER : Kind.VIEWER, line.substring(eq + 1).strip(),
                    source + " entry " + number));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no token");
        }
        return entries;
    }

    static List<Entry> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --tokens-file " + file + ": " + e.getMessage());
        }
    }

    /** Reads the claims of docs/protocol.md (join): {@code room}, {@code role}, {@code sub}, {@code su}, {@code vo}, {@code exp}. */
    private static Entry entry(Kind kind, String token, String where) {
        try {
            JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
            String room = claims.getStringClaim("room");
            String role = claims.getStringClaim("role");
            if (room == null || role == null) {
                throw new IllegalArgumentException(where + " is not a join token (no room or role claim)");
            }
            String sub = claims.getSubject();
            return new Entry(kind, token, room, role.toLowerCase(Locale.ROOT), sub == null || sub.isEmpty() ? null : sub,
                    Boolean.TRUE.equals(claims.getBooleanClaim("su")), Boolean.TRUE.equals(claims.getBooleanClaim("vo")),
                    claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant(), where);
        } catch (ParseException e) {
            throw new IllegalArgumentException(where + " is not a signed JWT: " + e.getMessage());
        }
    }

    /** Enough of a line to recognise it, not enough to use a token in it. */
    private static String shortForm(String line) {
        return line.length() <= 16 ? line : line.substring(0, 12) + "...";
    }

    @Override
    public String room() {
        return room;
    }

    @Override
    public CompletableFuture<String> publisherToken(int index) {
        return CompletableFuture.completedFuture(publisherTokens.get(index % publisherTokens.size()));
    }

    @Override
    public CompletableFuture<String> viewerToken(int index) {
        return CompletableFuture.completedFuture(viewerTokens.get(index % viewerTokens.size()));
    }

    @Override
    public String describe() {
        return "given join tokens: " + publisherTokens.size() + " publisher, " + viewerTokens.size() + " viewer";
    }
}
