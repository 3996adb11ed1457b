package org.virtstoraged.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * libvirt's virReportSystemError(): VIR_ERR_SYSTEM_ERROR with "MESSAGE: STRERROR". Java reports errno
 * through exception types and FileSystemException's reason, which is the C library's strerror text.
 */
public final class SystemErrors {
    private SystemErrors() {
    }

    public static VirException of(IOException cause, String format, Object... args) {
        return VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.STORAGE, "%s: %s",
                String.format(format, args), strerror(cause));
    }

    /** The same from libvirt's util code (virfile.c and friends), which reports under another domain. */
    public static VirException of(IOException cause, ErrorDomain domain, String format, Object... args) {
        return VirException.of(ErrorCode.SYSTEM_ERROR, domain, "%s: %s", String.format(format, args), strerror(cause));
    }

    public static VirException of(String strerror, String format, Object... args) {
        return VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.STORAGE, "%s: %s",
                String.format(format, args), strerror);
    }

    /** The same with the strerror text at hand, under another domain. */
    public static VirException of(String strerror, ErrorDomain domain, String format, Object... args) {
        return VirException.of(ErrorCode.SYSTEM_ERROR, domain, "%s: %s", String.format(format, args), strerror);
    }

    public static String strerror(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
