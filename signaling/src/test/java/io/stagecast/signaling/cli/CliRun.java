package io.stagecast.signaling.cli;

import io.stagecast.signaling.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;

/** One run of the {@code stagecast} command in-process, over an environment of the test's own. */
record CliRun(int exit, String out, String err) {

    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine(new Main(env, new Properties()));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** The first line printed, e.g. the token of {@code stagecast token}. */
    String firstLine() {
        return out.lines().findFirst().orElseThrow(() -> new AssertionError("nothing printed; stderr: " + err));
    }
}
