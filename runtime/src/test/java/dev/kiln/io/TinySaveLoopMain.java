package dev.kiln.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A child process of {@link AtomicSaveKillTest}: replaces one small file with {@link AtomicFiles#write}
 * as fast as it can, until it is killed or a save fails (the error ends the process, so the parent
 * sees it dead).
 */
public final class TinySaveLoopMain {
    private TinySaveLoopMain() {}

    /** Argument: the file to save. */
    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        System.out.println("ready");
        System.out.flush();
        for (long v = 0; ; v++) {
            long version = v;
            AtomicFiles.write(target, channel -> channel.write(ByteBuffer.allocate(8).putLong(0, version)));
        }
    }
}
