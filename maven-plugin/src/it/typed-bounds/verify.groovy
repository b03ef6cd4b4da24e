// Each bound became one rule per side, each checked and logged.
def log = new File(basedir, 'build.log').text
assert log =~ /smoothcal: accuracy >= 0\.5\s+\d\.\d+\s+0\.500000\s+passed/
assert log =~ /smoothcal: accuracy\.lower >= 0\.4\s+\d\.\d+\s+0\.400000\s+passed/
assert log =~ /smoothcal: ece >= 0\s+\d\.\d+\s+0\.000000\s+passed/
assert log =~ /smoothcal: ece <= 0\.5\s+\d\.\d+\s+0\.500000\s+passed/
assert !log.contains('FAILED')
