// On JDK 23+, the processor on the plain class path did not run: the build compiled without a
// TinyMlp_Module, and at run time Kiln said so, naming the class and how to fix the build, instead
// of failing silently; the tests still passed through the reflective fallback.
String log = new File(basedir, 'build.log').text

def javaVersion = (log =~ /Java version: (\d+)/)
assert javaVersion.find() && (javaVersion.group(1) as int) >= 23 : 'this scenario needs javac 23 or later'

assert !new File(basedir, 'target/generated-sources/annotations/com/example/tiny/TinyMlp_Module.java').exists() \
        : 'the processor ran from the class path: javac 23+ should not run it there'
assert !new File(basedir, 'target/classes/com/example/tiny/TinyMlp_Module.class').exists()

assert log.contains('Kiln: com.example.tiny.TinyMlp has Kiln annotations but no generated '
        + 'com.example.tiny.TinyMlp_Module') : "Kiln's reflective-fallback warning was not printed"
assert log.contains('<annotationProcessorPaths>') : 'the warning does not say how to fix the build'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0')
return true
