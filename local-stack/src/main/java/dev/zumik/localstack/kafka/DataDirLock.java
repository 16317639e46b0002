package dev.zumik.localstack.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a Kafka data directory ({@code zumik.lock}, holding the owner's pid). Kafka's own
 * {@code .lock} is taken only after the KRaft controller has started writing its quorum state and metadata
 * log, so a second cluster on a live directory would touch them before failing; this lock is taken first.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "zumik.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir}, or fails naming the process that holds it. */
    static DataDirLock acquire(final Path dir) throws IOException {
        final Path file = dir.resolve(FILE);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (final OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            final String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IllegalStateException("the data directory " + dir + " is in use by another Kafka of Zumik's"
                    + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; stop it first or use another data directory");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (final IOException e) {
            // the lock goes with the channel or the process; nothing is left to undo
        }
    }
}
