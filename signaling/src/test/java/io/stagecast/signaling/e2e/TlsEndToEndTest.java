package io.stagecast.signaling.e2e;

import io.stagecast.signaling.e2e.StagePage.Track;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, TLS: a node serving HTTPS and WSS from PEM files made by the test (openssl). The web
 * app over https (Chromium told to trust the test certificate by its key, as
 * {@code --ignore-certificate-errors-spki-list} does) is a secure context: the publisher opens its
 * camera and publishes, a viewer over wss decodes the video. Then the certificate files are
 * replaced on disk and the next TLS connection gets the new certificate, without a restart.
 */
class TlsEndToEndTest {
    private static NetNamespace ns;
    private static NodeProcess node;
    private static Path dir;
    private static Path[] first;
    private static final int REDIRECT_PORT = 18081;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && Chromium.available()), "needs root (network namespaces) and Chromium");
        dir = Files.createTempDirectory("stagecast-tls");
        first = TestCertificates.make(dir, "first");
        Path cert = dir.resolve("node.crt");
        Path key = dir.resolve("node.key");
        Files.copy(first[0], cert);
        Files.copy(first[1], key);
        ns = NetNamespace.create("sc-tls");
        node = NodeProcess.inNamespace(ns, "tls-node", Map.of("STAGECAST_TLS_CERTIFICATE_FILE", cert.toString(),
                "STAGECAST_TLS_KEY_FILE", key.toString(), "STAGECAST_TLS_RELOAD_SECONDS", "1",
                "STAGECAST_TLS_REDIRECT_PORT", Integer.toString(REDIRECT_PORT)));
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void theWebAppOverHttpsPublishesAViewerOverWssDecodesAndANewCertificateServesTheNextConnection() throws Exception {
        String room = "tls";
        assertTrue(node.insideUrl.startsWith("https://"), node.insideUrl);
        List<String> trust = List.of("--ignore-certificate-errors-spki-list=" + TestCertificates.spkiHash(first[0]));
        try (NamespacedChromium publisherBrowser = new NamespacedChromium(ns, "1280,800", List.of(), trust);
             NamespacedChromium viewerBrowser = new NamespacedChromium(ns, "1280,800", List.of(), trust)) {
            StagePage publisher = new StagePage(publisherBrowser, "publisher", StageProbe.Setup.plain());
            StagePage viewer = new StagePage(viewerBrowser, "viewer", StageProbe.Setup.plain());
            publisher.open(node.insideUrl + "/room/" + room + "?token=" + node.token(room, "Presenter", Role.MODERATOR)
                    + "&autopublish=1&autostart=1&simulcast=0");
            String presenter = publisher.participantId(20_000);
            viewer.open(node.insideUrl + "/room/" + room + "?token=" + node.token(room, "Viewer", Role.ATTENDEE) + "&autojoin=1");
            StagePage.Viewer seen = viewer.awaitVideo(presenter, 30_000);
            Object secure = viewer.js("return [window.isSecureContext, location.protocol, !!document.getElementById('insecure-origin')].join(' ')");
            assertEquals("true https: false", secure, "the page over https is a secure context, with no insecure-origin notice");
            Track before = seen.video(presenter);
            Thread.sleep(3_000);
            Track after = viewer.viewer().video(presenter);
            double fps = (after.framesDecoded() - before.framesDecoded()) / 3.0;
            System.out.println("tls: viewer over wss decodes " + after.width() + "x" + after.height() + " at " + fps + " fps");
            assertTrue(after.width() >= 320, "the viewer decodes the publisher's camera: " + after);
            assertTrue(fps >= 10, "the viewer decodes " + fps + " frames/s over wss (>= 10 wanted)");
        }

        // Plain HTTP on the redirect port: 308 to the same path on HTTPS.
        int redirect = ns.forward(REDIRECT_PORT);
        java.net.http.HttpResponse<String> moved = java.net.http.HttpClient.newBuilder().proxy(java.net.http.HttpClient.Builder.NO_PROXY)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + redirect + "/room/" + room + "?x=1")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(308, moved.statusCode());
        assertEquals("https://127.0.0.1:" + java.net.URI.create(node.insideUrl).getPort() + "/room/" + room + "?x=1",
                moved.headers().firstValue("Location").orElse(""));

        // The certificate is renewed on disk: the next connection gets it.
        assertEquals("CN=first", served().getSubjectX500Principal().getName());
        Path[] second = TestCertificates.make(dir, "second");
        Files.copy(second[1], dir.resolve("node.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second[0], dir.resolve("node.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long replaced = System.currentTimeMillis();
        String now = served().getSubjectX500Principal().getName();
        while (!now.equals("CN=second") && System.currentTimeMillis() - replaced < 10_000) {
            Thread.sleep(200);
            now = served().getSubjectX500Principal().getName();
        }
        System.out.println("tls: the new certificate served " + (System.currentTimeMillis() - replaced) + " ms after the files changed");
        assertEquals("CN=second", now, "the replaced certificate serves the next connection");
    }

    /** The certificate the node presents to a new TLS connection. */
    private static X509Certificate served() throws Exception {
        java.net.URI base = java.net.URI.create(node.baseUrl);
        try (SSLSocket socket = (SSLSocket) TestCertificates.trustingAll().getSocketFactory()
                .createSocket(base.getHost(), base.getPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
