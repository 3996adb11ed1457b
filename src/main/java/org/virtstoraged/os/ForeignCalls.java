package org.virtstoraged.os;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The one place the daemon links C functions (libc, librados/librbd, libiscsi, libgfapi) through the FFM API.
 * A native image can make only the downcalls and upcalls listed in
 * META-INF/native-image/org.virtstoraged/virtstoraged/reachability-metadata.json, so each shape linked here is
 * remembered: ForeignCallsMetadataTest links every binding and checks that file names each shape.
 */
public final class ForeignCalls {
    public static final Linker LINKER = Linker.nativeLinker();

    public static final ValueLayout.OfInt C_INT = (ValueLayout.OfInt) LINKER.canonicalLayouts().get("int");
    /** Also off_t, unsigned long and int64_t: the daemon runs on 64-bit Linux only. */
    public static final ValueLayout.OfLong C_LONG = (ValueLayout.OfLong) LINKER.canonicalLayouts().get("long");
    public static final ValueLayout.OfLong C_SIZE_T = (ValueLayout.OfLong) LINKER.canonicalLayouts().get("size_t");
    public static final AddressLayout C_POINTER = (AddressLayout) LINKER.canonicalLayouts().get("void*");

    /** How a function is called: what the metadata file must name for it. */
    public record Shape(boolean upcall, FunctionDescriptor function, boolean capturesErrno, int firstVariadicArg) {
    }

    private static final Set<Shape> LINKED = ConcurrentHashMap.newKeySet();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private ForeignCalls() {
    }

    /**
     * @param capturesErrno the handle's first argument receives errno right after the call, before the JVM can
     *                      overwrite it
     * @param firstVariadicArg the index of the first variadic argument; -1 for a function that has none
     */
    public static MethodHandle downcall(MemorySegment symbol, FunctionDescriptor function, boolean capturesErrno,
            int firstVariadicArg) {
        List<Linker.Option> options = new ArrayList<>();
        if (capturesErrno) {
            options.add(Linker.Option.captureCallState("errno"));
        }
        if (firstVariadicArg >= 0) {
            options.add(Linker.Option.firstVariadicArg(firstVariadicArg));
        }
        LINKED.add(new Shape(false, function, capturesErrno, firstVariadicArg));
        return LINKER.downcallHandle(symbol, function, options.toArray(Linker.Option[]::new));
    }

    /** A C function pointer that calls {@code target}, valid while {@code arena} is. */
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor function, Arena arena) {
        return LINKER.upcallStub(target, upcallShape(function), arena);
    }

    /**
     * Names an upcall's descriptor where it is declared, so the metadata check knows it before any stub is made
     * (some are made only during a call).
     */
    public static FunctionDescriptor upcallShape(FunctionDescriptor function) {
        LINKED.add(new Shape(true, function, false, -1));
        return function;
    }

    /** Room for the errno a handle made with {@code capturesErrno} writes, passed as its first argument. */
    public static MemorySegment errnoSegment(Arena arena) {
        return arena.allocate(CAPTURED);
    }

    /** The errno a call wrote into {@code captured}. */
    public static int errno(MemorySegment captured) {
        return (int) ERRNO.get(captured, 0L);
    }

    /** One call through a handle made with {@code capturesErrno}, given the segment errno is captured into. */
    @FunctionalInterface
    public interface ErrnoCall<R> {
        R invoke(MemorySegment errno) throws Throwable;
    }

    /**
     * Makes the call and turns the C convention (a failure value, the reason in errno) into an exception.
     *
     * @param failed whether the result is the function's failure value (-1, a negative number, NULL)
     * @param error  the exception for the errno the failed call left
     * @return the result of a call that did not fail
     */
    public static <R, X extends Exception> R callWithErrno(Arena arena, ErrnoCall<R> call, Predicate<R> failed,
            IntFunction<X> error) throws X {
        MemorySegment captured = errnoSegment(arena);
        R result;
        try {
            result = call.invoke(captured);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (failed.test(result)) {
            throw error.apply(errno(captured));
        }
        return result;
    }

    /** The shapes linked or declared so far in this JVM. */
    public static Set<Shape> linked() {
        return Set.copyOf(LINKED);
    }

    /**
     * invokeExact declares Throwable; a downcall itself throws nothing, so whatever arrives is a linkage or
     * programming error and goes on unchecked.
     */
    public static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
