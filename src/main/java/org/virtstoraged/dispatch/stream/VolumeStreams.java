package org.virtstoraged.dispatch.stream;

import org.virtstoraged.dispatch.ClientContext;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.driver.VolumeDriver;

/**
 * REMOTE_PROC_STORAGE_VOL_UPLOAD (208) and REMOTE_PROC_STORAGE_VOL_DOWNLOAD (209): the driver opens the
 * volume (all of libvirt's checks, errors as an ERROR reply), then the stream is registered under the
 * call's procedure and serial before the empty REPLY goes out, so that no packet of the client's finds it
 * missing. A download starts sending once that reply is written.
 */
public final class VolumeStreams {
    private final VolumeDriver volumes;
    private final int downloadChunk;

    public VolumeStreams(VolumeDriver volumes) {
        this(volumes, DownloadStream.CHUNK);
    }

    VolumeStreams(VolumeDriver volumes, int downloadChunk) {
        this.volumes = volumes;
        this.downloadChunk = downloadChunk;
    }

    /** Runs on a worker thread (opening may run tools); the result is the reply's empty payload. */
    public byte[] upload(ClientContext client, MessageHeader call, VolRef vol, long offset, long length, int flags) {
        VolumeStreamFile file = volumes.upload(vol, offset, length, flags);
        UploadStream stream = new UploadStream(client.streams(), client.transport(), call.procedure(), call.serial(),
                file);
        client.streams().register(call.procedure(), call.serial(), stream);
        stream.start();
        return new byte[0];
    }

    public byte[] download(ClientContext client, MessageHeader call, VolRef vol, long offset, long length,
            int flags) {
        VolumeStreamFile file = volumes.download(vol, offset, length, flags);
        DownloadStream stream = new DownloadStream(client.streams(), client.transport(), call.procedure(),
                call.serial(), file, downloadChunk);
        client.streams().register(call.procedure(), call.serial(), stream);
        return new byte[0];
    }
}
