package dev.smoothcal.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Testcontainers 2.0.2 talks Docker API 1.44 unless told otherwise, which engines older than
 * Docker 25 refuse ("client version 1.44 is too new"); Debian 12's docker.io (20.10, API 1.41) is
 * such an engine. Before Testcontainers makes its client, this asks the engine for its API version
 * (GET /version needs no version itself) and, when it is older than 1.44, sets the docker-java
 * system property {@code api.version} to it. An {@code api.version} given by the user wins.
 */
final class DockerApiVersion {

    static final String PROPERTY = "api.version";
    private static final int[] TESTCONTAINERS_DEFAULT = {1, 44};

    private DockerApiVersion() {}

    static void adaptToEngine() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        socket().flatMap(DockerApiVersion::engineApiVersion).ifPresent(version -> {
            if (compare(version, TESTCONTAINERS_DEFAULT) < 0) {
                String v = version[0] + "." + version[1];
                System.out.println("[it-tests] Docker engine speaks API " + v + "; using it instead of 1.44");
                System.setProperty(PROPERTY, v);
            }
        });
    }

    /** The engine's Unix socket: DOCKER_HOST when it is unix://, else the default path. */
    private static Optional<Path> socket() {
        String host = System.getenv("DOCKER_HOST");
        Path path;
        if (host == null || host.isBlank()) {
            path = Path.of("/var/run/docker.sock");
        } else if (host.startsWith("unix://")) {
            path = Path.of(URI.create(host).getPath());
        } else {
            return Optional.empty(); // tcp engines: leave it to Testcontainers
        }
        return Files.exists(path) ? Optional.of(path) : Optional.empty();
    }

    static Optional<int[]> engineApiVersion(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(
                    "GET /version HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                response.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            String text = response.toString(StandardCharsets.UTF_8);
            int body = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.") || !text.substring(0, text.indexOf('\r')).contains(" 200") || body < 0) {
                return Optional.empty();
            }
            String api = new ObjectMapper().readTree(text.substring(body + 4)).path("ApiVersion").asText("");
            return parse(api);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no engine here: the availability check reports that
        }
    }

    static Optional<int[]> parse(String version) {
        String[] parts = version.trim().split("\\.");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }
}
