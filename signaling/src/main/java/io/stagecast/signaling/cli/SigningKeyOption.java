package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.ApiKeys;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --key KID}: which configured API key signs; default {@code keys.signing-key}. */
public final class SigningKeyOption {

    @Option(names = "--key", paramLabel = "KID", description = "API key id to sign with (default: keys.signing-key)")
    String keyId;

    /**
     * The configured keys, signing with the chosen one.
     *
     * @throws CommandLine.ParameterException when no key is configured (a random one would match no node)
     *                                        or the chosen id is not configured
     */
    ApiKeys keys(CommandSpec spec, StagecastConfig config) {
        if (config.tokenSecretGenerated()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no API key is configured (keys.secrets or"
                    + " token.secret, e.g. STAGECAST_TOKEN_SECRET): a token signed now would match no node");
        }
        if (keyId == null) {
            return config.apiKeys();
        }
        if (config.apiKeys().key(keyId).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--key " + keyId
                    + " is not one of the configured keys " + config.apiKeys().ids());
        }
        return ApiKeys.of(config.apiKeys().all(), keyId);
    }
}
