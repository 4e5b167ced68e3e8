// Each of the three builds passed its tests, and the generated code followed every change without
// clean: Net_Module has the added layer (the second build's NetTest checked its parameter names),
// and the deleted Extra left no Extra_Module behind (which would no longer compile).
String log = new File(basedir, 'build.log').text

assert log.count('BUILD SUCCESS') == 5 : 'a build or an edit step failed'
def summaries = (log =~ /(?m)^\[INFO\] Tests run: (\d+), Failures: 0, Errors: 0, Skipped: 0$/).collect { it[1] as int }
assert summaries == [2, 2, 1] : "test runs per build were ${summaries}, expected [2, 2, 1]"

File generated = new File(basedir, 'target/generated-sources/annotations/com/example/inc')
String net = new File(generated, 'Net_Module.java').text
assert net.contains('fc2') : 'Net_Module.java was not regenerated after the layer was added'
assert !new File(generated, 'Extra_Module.java').exists() : 'Extra_Module.java outlived Extra.java'
assert !new File(basedir, 'target/classes/com/example/inc/Extra_Module.class').exists()
assert !new File(basedir, 'target/classes/com/example/inc/Extra.class').exists()
return true
