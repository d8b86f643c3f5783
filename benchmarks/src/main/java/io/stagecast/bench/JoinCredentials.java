package io.stagecast.bench;

import io.stagecast.signaling.token.ApiKeys;
import picocli.CommandLine.Option;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the synthetic participants' join tokens come from: minted here with the node's secret
 * ({@code --token-secret}, a node of one's own), minted by the node's REST API with an API key
 * ({@code --api-key}: what an operator or application holds), or given ({@code --token},
 * {@code --tokens-file}: no key at all). Exactly one source; picocli refuses none or two.
 */
interface JoinCredentials {
    /** Environment variable for the secret of {@code --api-key ID}, so that it stays out of {@code ps}. */
    String API_SECRET_VARIABLE = "STAGECAST_API_SECRET";

    /** The room every token is for. */
    String room();

    /** A token that lets publisher {@code index} go on stage and start the session. */
    CompletableFuture<String> publisherToken(int index);

    /** A token for viewer {@code index}. */
    CompletableFuture<String> viewerToken(int index);

    /** One line for the start of the run, never a secret. */
    String describe();

    /** The credential options, one of which is required (a picocli exclusive group). */
    final class Options {
        @Option(names = "--token-secret", paramLabel = "SECRET",
                description = "the node's token.secret: mint join tokens here (a node of your own)")
        String tokenSecret;

        @Option(names = "--api-key", paramLabel = "ID:SECRET",
                description = "an API key of the node (keys.secrets.<ID>): join tokens are minted by the node's REST API "
                        + "(POST /api/v1/rooms/{room}/tokens). With ID alone the secret is read from $"
                        + API_SECRET_VARIABLE)
        String apiKey;

        @Option(names = "--token", paramLabel = "KIND=TOKEN",
                description = "a given join token, KIND publisher or viewer (repeatable). One token serves many "
                        + "participants only if it names nobody (no participantId) and is not single-use; otherwise "
                        + "give one per participant")
        List<String> tokens;

        @Option(names = "--tokens-file", paramLabel = "FILE",
                description = "given join tokens, one publisher=TOKEN or viewer=TOKEN per line (# comments)")
        Path tokensFile;
    }

    /**
     * The source the options name.
     *
     * @param room the {@code --room} option, null when not given
     * @throws IllegalArgumentException for a malformed key, unreadable or unusable given tokens
     */
    static JoinCredentials of(Options options, String room, int publishers, int viewers, HttpClient http,
                              NodeTarget node) {
        String defaultRoom = room != null ? room : "load";
        if (options.tokenSecret != null) {
            return new LocallyMintedTokens(options.tokenSecret.getBytes(StandardCharsets.UTF_8), defaultRoom);
        }
        if (options.apiKey != null) {
            return new ApiMintedTokens(http, node, defaultRoom, apiKey(options.apiKey, System.getenv(API_SECRET_VARIABLE)));
        }
        List<GivenTokens.Entry> entries = options.tokensFile != null ? GivenTokens.read(options.tokensFile)
                : GivenTokens.parse(options.tokens, "--token");
        return GivenTokens.of(entries, room, publishers, viewers);
    }

    /** {@code ID:SECRET}, or {@code ID} with the secret from the environment. Key ids never contain ':'. */
    static ApiKeys apiKey(String value, String secretFromEnvironment) {
        int colon = value.indexOf(':');
        String id = colon < 0 ? value : value.substring(0, colon);
        String secret = colon < 0 ? secretFromEnvironment : value.substring(colon + 1);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("--api-key " + id + " has no secret: give ID:SECRET or set $"
                    + API_SECRET_VARIABLE);
        }
        // ApiKeys checks the id's characters and the secret's length, with messages naming the key.
        return ApiKeys.single(id, secret.getBytes(StandardCharsets.UTF_8));
    }
}
