package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code stagecast token}: mints a join token and its link locally with a configured API key, no
 * node needed. Without {@code --participant} the token names nobody: everyone who opens the link is
 * a new participant (a shared attendee link); with it, the token is one person's, and a second
 * person opening it takes that person's place.
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
        description = {"Mint a join token and its invitation link for a room, signed locally with a configured "
                + "API key (works offline).",
                "Without --participant the link names nobody: each person who opens it joins as a new participant."})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption configOption;
    @Mixin
    SigningKeyOption signingKey;

    @Option(names = "--room", required = true, description = "room name")
    String room;
    @Option(names = "--role", defaultValue = "attendee", description = "moderator, speaker or attendee (default: ${DEFAULT-VALUE})")
    String role;
    @Option(names = "--name", description = "display name suggested to whoever opens the link (default: they type one)")
    String name;
    @Option(names = "--participant", paramLabel = "ID",
            description = "make the token one participant's (claim sub): a reconnect with it resumes that participant")
    String participant;
    @Option(names = "--view-only", description = "never allow publishing, whatever the role")
    boolean viewOnly;
    @Option(names = "--ttl", defaultValue = "PT24H", description = "validity as an ISO-8601 duration (default: ${DEFAULT-VALUE})")
    Duration ttl;
    @Option(names = "--single-use", description = "the link works once")
    boolean singleUse;
    @Option(names = "--url", paramLabel = "BASE", description = "base URL of the link (default: public-base-url)")
    String url;

    @Override
    public Integer call() {
        Role parsedRole;
        try {
            parsedRole = Role.fromWire(role);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--role: " + e.getMessage());
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be positive");
        }
        if (participant != null && participant.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--participant must not be blank");
        }
        StagecastConfig config = configOption.load(spec);
        JoinTokens tokens = new JoinTokens(signingKey.keys(spec, config), Clock.systemUTC());
        JoinGrant grant = new JoinGrant(room, participant, name, parsedRole, viewOnly, Instant.now().plus(ttl),
                RandomIds.tokenId(), singleUse);
        String token = tokens.mint(grant);
        PrintWriter out = spec.commandLine().getOut();
        out.println(token);
        out.println(InvitationLinks.url(url != null ? url : config.publicBaseUrl(), room, token));
        out.flush();
        return 0;
    }
}
