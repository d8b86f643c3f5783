package io.stagecast.signaling.testutil;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A node on loopback only (it advertises 127.0.0.1 and answers ICE only from 127.0.0.0/8), no demo room. */
public final class LoopbackServer {
    private LoopbackServer() {
    }

    /** @param extra configuration as environment variables, over the loopback defaults */
    public static StagecastServer start(Map<String, String> extra) throws InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("STAGECAST_HTTP_HOST", "127.0.0.1");
        env.put("STAGECAST_HTTP_PORT", "0");
        env.put("STAGECAST_MEDIA_PORT", "0");
        env.put("STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1");
        env.put("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1");
        env.put("STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8");
        env.put("STAGECAST_ROOMS_DEMO", "");
        env.put("STAGECAST_TOKEN_SECRET", "loopback-secret-loopback-secret-0123456");
        env.putAll(extra);
        return StagecastServer.start(StagecastConfig.load(null, env, new Properties()));
    }
}
