import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * AotOldClasses APP_DIR: makes the classes of APP_DIR/lib/** that are older than Java 6 (class file version < 50)
 * Java 8 class files (version 52, with the stack map frames that version requires), so that the JDK's AOT cache can
 * hold them.
 *
 * <p>Why: JDK 25 leaves out of the AOT cache every class verified by the old, pre-Java 6 verifier ("Skipping ...:
 * Old class has been linked"; JDK-8317269 lifts this in a later JDK). picocli is compiled for Java 5, so its
 * 170 classes were loaded and verified from the jar at every start: about 150 ms of the daemon's cold start
 * (docs/benchmarks.md). Only the class file version and the frames change; the code is the same bytecode.
 *
 * <p>Run by `mvn package` (pom.xml) on target/quarkus-app before the training run:
 * {@code java -cp asm.jar src/tools/AotOldClasses.java target/quarkus-app}. A jar without old classes is left
 * as it is; a jar whose classes cannot be rewritten (ASM refuses them) is left as it is, with a line saying so.
 */
public class AotOldClasses {
    private static final int JAVA_6 = 50;
    private static final int JAVA_8 = 52;

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        List<Path> jars;
        try (Stream<Path> s = Files.walk(app.resolve("lib"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        // the frames name the common super class of two types: resolved against the application's own class path
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
        }
        try (URLClassLoader types = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (Path jar : jars) {
                upgrade(jar, types);
            }
        }
    }

    private static void upgrade(Path jar, ClassLoader types) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int upgraded = 0;
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream os = Files.newOutputStream(tmp);
                ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && majorVersion(bytes) < JAVA_6) {
                    bytes = toJava8(bytes, types);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            System.out.println("AotOldClasses: " + jar.getFileName() + " left as it is (" + e + "): its old classes"
                    + " stay out of the AOT cache");
            return;
        }
        if (upgraded == 0) {
            Files.delete(tmp);
            return;
        }
        FileTime time = Files.getLastModifiedTime(jar);
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(jar, time);
        System.out.println("AotOldClasses: " + jar.getFileName() + ": " + upgraded + " classes made Java 8 class files");
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] toJava8(byte[] classFile, ClassLoader types) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return types;
            }
        };
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(JAVA_8, access, name, signature, superName, interfaces);
            }
        }, 0);
        return writer.toByteArray();
    }
}
