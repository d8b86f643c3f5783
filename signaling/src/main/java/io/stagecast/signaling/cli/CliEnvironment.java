package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;

import java.nio.file.Path;

/**
 * What the commands read the configuration from: the top-level command implements it over the
 * process's environment and system properties, tests over maps of their own.
 */
public interface CliEnvironment {

    /**
     * The configuration, from {@code file} if not null, else from the file the environment names
     * ({@code STAGECAST_CONFIG_FILE}), layered with environment variables and system properties.
     */
    StagecastConfig config(Path file);
}
