package io.stagecast.signaling;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.stagecast.signaling.config.StagecastConfig;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.net.URL;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Logging before anything logs: {@code STAGECAST_LOG_FORMAT=json} (or {@code -Dstagecast.log-format=json})
 * switches standard output to one JSON object per line (logback-json.xml); text otherwise
 * (logback.xml). It is read from the environment, not the configuration file, because loading
 * the configuration already logs. java.util.logging (ice4j, jitsi-metaconfig) is routed into
 * logback, so its lines take the same format and levels instead of JUL's two-line default.
 */
final class NodeLogging {
    static final String FORMAT_ENV = StagecastConfig.LOG_FORMAT_ENV;
    static final String FORMAT_PROPERTY = StagecastConfig.LOG_FORMAT_PROPERTY;

    private static volatile boolean json;

    private NodeLogging() {
    }

    /** Whether standard output is JSON lines: what the start announces must be logged, not printed. */
    static boolean json() {
        return json;
    }

    static void setUp(Map<String, String> env, Properties systemProperties) {
        String format = systemProperties.getProperty(FORMAT_PROPERTY, env.getOrDefault(FORMAT_ENV, "text"))
                .trim().toLowerCase(Locale.ROOT);
        if (format.equals("json")) {
            json = true;
            use("logback-json.xml");
        } else if (!format.equals("text") && !format.isEmpty()) {
            System.err.println("stagecast: " + FORMAT_ENV + " is '" + format + "': expected text or json; logging text");
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    private static void use(String resource) {
        URL config = NodeLogging.class.getClassLoader().getResource(resource);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context) || config == null) {
            return;
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            System.err.println("stagecast: " + resource + " is broken: " + e.getMessage());
        }
    }
}
