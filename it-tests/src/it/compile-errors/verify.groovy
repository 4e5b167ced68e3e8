// The build failed in javac with exactly the Kiln errors marked "// expect KLNxxx" in the sources,
// each at the marked file and line, every class's errors in the same build, and nothing else:
// no processor crash, no javac error that a Kiln message should have prevented.
String log = new File(basedir, 'build.log').text

Set<String> expected = [] as Set
new File(basedir, 'src/main/java').eachFileRecurse(groovy.io.FileType.FILES) { File f ->
    f.readLines().eachWithIndex { String line, int i ->
        def marker = (line =~ /\/\/ expect ((?:KLN\d+ ?)+)$/)
        if (marker.find()) {
            marker.group(1).trim().split(' ').each { tag -> expected << "${f.name}:${i + 1} ${tag}".toString() }
        }
    }
}
assert expected.size() >= 8 : "found only ${expected} markers"

Set<String> reported = [] as Set
List<String> otherErrors = []
log.eachLine { String line ->
    def located = (line =~ /^\[ERROR\] .*[\/\\](\w+\.java):\[(\d+),\d+\] (.*)$/)
    if (located.find()) {
        def tag = (located.group(3) =~ /^\[(KLN\d+)\] /)
        if (tag.find()) {
            reported << "${located.group(1)}:${located.group(2)} ${tag.group(1)}".toString()
        } else {
            otherErrors << line
        }
    }
}
assert reported == expected : "missing: ${expected - reported}; unexpected: ${reported - expected}"
assert otherErrors.isEmpty() : "javac errors without a Kiln message: ${otherErrors}"
assert !log.contains('KLN999') : 'the processor crashed'
assert log.contains("@Param field 'weight' may not be private") && log.contains('make it package-private')

// Errors abort only their own class: the correct module beside the broken ones was still generated.
assert new File(basedir, 'target/generated-sources/annotations/com/example/broken/Fine_Module.java').isFile()
assert !new File(basedir, 'target/generated-sources/annotations/com/example/broken/Broken_Module.java').exists()
return true
