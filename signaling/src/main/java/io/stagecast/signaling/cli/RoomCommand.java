package io.stagecast.signaling.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stagecast room create|list|end}: the REST API of a running node, authenticated with a
 * configured API key. Prints the node's JSON answer; exit status 0 on a 2xx answer, 1 on a refusal
 * (status and body on standard error) or an unreachable node, 2 on a usage error.
 */
@Command(name = "room", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
        description = "Create, list and end rooms of a running node through its REST API (/api/v1).",
        subcommands = {RoomCommand.Create.class, RoomCommand.ListRooms.class, RoomCommand.End.class})
public final class RoomCommand implements Runnable {

    static final String ROOMS = "/api/v1/rooms";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, list or end");
    }

    /** The options every room command has: where the node is and which key signs. */
    static final class Connection {
        @Mixin
        ConfigOption configOption;
        @Mixin
        SigningKeyOption signingKey;
        @Option(names = "--url", paramLabel = "BASE",
                description = "the node's base URL (default: public-base-url of the configuration)")
        String url;

        ApiClient client(CommandSpec spec) {
            StagecastConfig config = configOption.load(spec);
            return new ApiClient(url != null ? url : config.publicBaseUrl(),
                    new ApiTokens(signingKey.keys(spec, config), Clock.systemUTC()));
        }
    }

    /** Prints the answer where it belongs and turns it into the exit status. */
    static int report(CommandSpec spec, String call, ApiClient.Answer answer) {
        if (answer.ok()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(answer.body());
            out.flush();
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("stagecast: " + call + " answered " + answer.status() + (answer.body().isEmpty() ? "" : ": " + answer.body()));
        err.flush();
        return 1;
    }

    static int unreachable(CommandSpec spec, ApiClient.Unreachable e) {
        spec.commandLine().getErr().println("stagecast: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
            description = {"Create a room: POST /api/v1/rooms (grant roomCreate).",
                    "Settings as --set name=value (true/false and whole numbers are sent as JSON booleans and numbers),"
                            + " e.g. --set lobby=false --set capacity=200; docs/api.md lists them."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Parameters(index = "0", paramLabel = "ROOM", description = "room name")
        String room;
        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a room setting")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() throws InterruptedException {
            if (room.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ROOM must not be blank");
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("name", room);
            settings.forEach((name, value) -> putSetting(body, name, value));
            try {
                return report(spec, "POST " + ROOMS, connection.client(spec).post(ROOMS, ApiGrants.roomCreation(),
                        body.toString()));
            } catch (ApiClient.Unreachable e) {
                return unreachable(spec, e);
            }
        }

        private void putSetting(ObjectNode body, String name, String value) {
            if (name.equals("name")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the room's name is ROOM, not --set name=");
            }
            if (value.equals("true") || value.equals("false")) {
                body.put(name, Boolean.parseBoolean(value));
            } else if (value.matches("-?[0-9]{1,18}")) {
                body.put(name, Long.parseLong(value));
            } else {
                body.put(name, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
            description = "List the rooms of the node: GET /api/v1/rooms (grant roomList).")
    static final class ListRooms implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;

        @Override
        public Integer call() throws InterruptedException {
            try {
                return report(spec, "GET " + ROOMS, connection.client(spec).get(ROOMS, ApiGrants.roomListing()));
            } catch (ApiClient.Unreachable e) {
                return unreachable(spec, e);
            }
        }
    }

    @Command(name = "end", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
            description = "End a room's session for everyone: POST /api/v1/rooms/{room}/end (grant roomAdmin of that room).")
    static final class End implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Parameters(index = "0", paramLabel = "ROOM", description = "room name")
        String room;

        @Override
        public Integer call() throws InterruptedException {
            if (room.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ROOM must not be blank");
            }
            String path = ROOMS + "/" + ApiClient.segment(room) + "/end";
            try {
                return report(spec, "POST " + path, connection.client(spec).post(path, ApiGrants.adminOf(room), "{}"));
            } catch (ApiClient.Unreachable e) {
                return unreachable(spec, e);
            }
        }
    }
}
