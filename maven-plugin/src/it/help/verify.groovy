def log = new File(basedir, 'build.log').text
['train', 'evaluate', 'interop', 'check', 'help'].each { goal ->
    assert log.contains("smoothcal:${goal}"), "help lists smoothcal:${goal}"
}
// -Ddetail lists the parameters with their user properties.
assert log.contains('labelSmoothing')
assert log.contains('User property: smoothcal.train.skip')
assert log.contains('rules')
