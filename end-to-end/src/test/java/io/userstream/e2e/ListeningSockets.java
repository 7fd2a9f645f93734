package io.userstream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The TCP sockets processes listen on, as Linux shows them: {@code /proc/net/tcp} and {@code tcp6} (state 0A, LISTEN)
 * joined by inode with the {@code socket:[inode]} links of each process's file descriptors.
 */
final class ListeningSockets {

    /** One listening socket: its process, command and local address ({@code 127.0.0.1:8082}, {@code [0:0:...:0]:8793}). */
    record Listener(long pid, String command, String address, boolean loopback) {

        int port() {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }
    }

    private ListeningSockets() {
    }

    /** What {@code process} and every process below it listen on. */
    static List<Listener> of(ProcessHandle process) {
        Map<String, String[]> listeningByInode = new HashMap<>();
        readTable(Path.of("/proc/net/tcp"), false, listeningByInode);
        readTable(Path.of("/proc/net/tcp6"), true, listeningByInode);
        List<Listener> listeners = new ArrayList<>();
        for (ProcessHandle handle : Stream.concat(Stream.of(process), process.descendants()).toList()) {
            Path fds = Path.of("/proc", Long.toString(handle.pid()), "fd");
            try (Stream<Path> links = Files.list(fds)) {
                for (Path link : links.toList()) {
                    String target = readLink(link);
                    if (target != null && target.startsWith("socket:[")) {
                        String[] socket = listeningByInode.get(target.substring("socket:[".length(), target.length() - 1));
                        if (socket != null) {
                            listeners.add(new Listener(handle.pid(), handle.info().commandLine().orElse("?"), socket[0],
                                    Boolean.parseBoolean(socket[1])));
                        }
                    }
                }
            } catch (IOException gone) {
                // the process ended meanwhile: it listens on nothing
            }
        }
        return listeners;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException closed) {
            return null;
        }
    }

    /** {@code inode -> [address, loopback]} of the LISTEN rows; addresses are hex, each 32-bit word little-endian. */
    private static void readTable(Path table, boolean ipv6, Map<String, String[]> into) {
        try {
            for (String line : Files.readAllLines(table).subList(1, Files.readAllLines(table).size())) {
                String[] fields = line.trim().split("\\s+");
                if (!fields[3].equals("0A")) {
                    continue;
                }
                String[] local = fields[1].split(":");
                int port = Integer.parseInt(local[1], 16);
                into.put(fields[9], ipv6 ? ipv6(local[0], port) : ipv4(local[0], port));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] ipv4(String hex, int port) {
        int[] bytes = wordBytes(hex, 0);
        String address = bytes[0] + "." + bytes[1] + "." + bytes[2] + "." + bytes[3];
        return new String[] {address + ":" + port, Boolean.toString(bytes[0] == 127)};
    }

    private static String[] ipv6(String hex, int port) {
        int[] all = new int[16];
        for (int word = 0; word < 4; word++) {
            System.arraycopy(wordBytes(hex, word * 8), 0, all, word * 4, 4);
        }
        StringBuilder address = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            address.append(i == 0 ? "" : ":").append(Integer.toHexString(all[i] << 8 | all[i + 1]));
        }
        boolean loopback = true;
        for (int i = 0; i < 15; i++) {
            loopback &= all[i] == 0;
        }
        loopback &= all[15] == 1;
        // ::ffff:127.x.y.z, an IPv4 loopback address on an IPv6 socket
        boolean mappedLoopback = all[10] == 0xff && all[11] == 0xff && all[12] == 127;
        for (int i = 0; i < 10; i++) {
            mappedLoopback &= all[i] == 0;
        }
        return new String[] {"[" + address + "]:" + port, Boolean.toString(loopback || mappedLoopback)};
    }

    private static int[] wordBytes(String hex, int offset) {
        int[] bytes = new int[4];
        for (int i = 0; i < 4; i++) {
            bytes[3 - i] = Integer.parseInt(hex.substring(offset + i * 2, offset + i * 2 + 2), 16);
        }
        return bytes;
    }
}
