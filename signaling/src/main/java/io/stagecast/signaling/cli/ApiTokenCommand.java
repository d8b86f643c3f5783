package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code stagecast api-token}: a short-lived bearer token for the REST API, e.g. for curl. */
@Command(name = "api-token", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
        description = {"Mint a short-lived bearer token for the REST API (/api/v1), signed locally with a configured API key.",
                "Use: curl -H \"Authorization: Bearer $(stagecast api-token --room-admin demo)\" ..."})
public final class ApiTokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption configOption;
    @Mixin
    SigningKeyOption signingKey;

    @Option(names = "--room-create", description = "grant: create rooms")
    boolean roomCreate;
    @Option(names = "--room-list", description = "grant: list rooms")
    boolean roomList;
    @Option(names = "--room-admin", paramLabel = "ROOM", description = "grant: administer this room, or '*' for every room")
    String roomAdmin;
    @Option(names = "--ttl", defaultValue = "PT5M", description = "validity, at most PT10M (default: ${DEFAULT-VALUE})")
    Duration ttl;

    @Override
    public Integer call() {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(ApiTokens.MAX_LIFETIME) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be positive and at most "
                    + ApiTokens.MAX_LIFETIME);
        }
        if (!roomCreate && !roomList && roomAdmin == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "grant something: --room-create, --room-list or --room-admin ROOM");
        }
        if (roomAdmin != null && roomAdmin.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--room-admin names a room or '*'");
        }
        StagecastConfig config = configOption.load(spec);
        ApiTokens tokens = new ApiTokens(signingKey.keys(spec, config), Clock.systemUTC());
        spec.commandLine().getOut().println(tokens.mint(new ApiGrants(roomCreate, roomList, roomAdmin), ttl));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
