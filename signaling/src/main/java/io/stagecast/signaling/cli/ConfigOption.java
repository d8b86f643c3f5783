package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --config FILE}, shared by every command that reads the node's configuration. */
public final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (HOCON, or .properties); default: $STAGECAST_CONFIG_FILE, else none")
    Path file;

    /** The configuration, through the environment of the root command. */
    public StagecastConfig load(CommandSpec spec) {
        return ((CliEnvironment) spec.root().userObject()).config(file);
    }
}
