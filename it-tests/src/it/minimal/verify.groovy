// The documented set-up worked: javac ran the Kiln processor, which wrote TinyMlp_Module beside
// TinyMlp, and the tests (parameter names, a few SGD steps) passed on the expected JDK.
String log = new File(basedir, 'build.log').text

def javaVersion = (log =~ /Java version: (\d+)/)
assert javaVersion.find() : 'build.log has no "Java version:" line (is showVersion on?)'
int feature = javaVersion.group(1) as int
assert feature >= (minJavaFeature as int) : "ran on Java ${feature}, expected ${minJavaFeature} or later"

File generated = new File(basedir, 'target/generated-sources/annotations/com/example/tiny/TinyMlp_Module.java')
assert generated.isFile() : "the processor did not write ${generated}"
assert new File(basedir, 'target/generated-sources/annotations/com/example/tiny/Dense_Module.java').isFile()
assert new File(basedir, 'target/classes/com/example/tiny/TinyMlp_Module.class').isFile()

assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'the training tests did not all run and pass'
assert !log.contains('has Kiln annotations but no generated') : 'Kiln fell back to reflection'
return true
