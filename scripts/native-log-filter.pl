#!/usr/bin/env perl
# Drops TensorFlow's native start-up chatter from a stream (the smoothcal launcher pipes stderr through it):
# INFO lines of TensorFlow's own logger ("2026-01-01 10:00:00.000000: I tensorflow/...", with the second line
# of cpu_feature_guard's notice) and of absl ("I0000 00:00:... file.cc:401] ..."), and absl's banner
# "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR", which absl prints
# whatever TF_CPP_MIN_LOG_LEVEL says. Warnings and errors pass, and so does everything else, at once: a
# partial line (a progress bar redrawn with \r) is held back only while it could still become a dropped line.
use strict;
use warnings;

$| = 1;
my $dropped = qr{^(?:\d{4}-\d\d-\d\d\ \d\d:\d\d:\d\d\.\d+:\ I\ (?:tensorflow|external|xla)/\S+:\d+\]\ .*
                   |To\ enable\ the\ following\ instructions:\ .*
                   |I\d{4}\ [\d:.]+\s+\d+\ \S+:\d+\]\ .*
                   |WARNING:\ All\ log\ messages\ before\ absl::InitializeLog\(\)\ is\ called\ are\ written\ to\ STDERR)
                  \r?\n$}x;
my @prefixes = ('WARNING: All log messages', 'To enable the following');

sub may_become_dropped {
    my ($s) = @_;
    return 1 if $s =~ /^\d/ || $s =~ /^I(?:\d|$)/;
    for my $p (@prefixes) {
        my $n = length($s) < length($p) ? length($s) : length($p);
        return 1 if substr($s, 0, $n) eq substr($p, 0, $n);
    }
    return 0;
}

my $buf = '';
while (sysread(STDIN, my $chunk, 65536)) {
    $buf .= $chunk;
    while ($buf =~ s/^([^\n]*\n)//) {
        my $line = $1;
        print $line unless $line =~ $dropped;
    }
    if ($buf ne '' && !may_become_dropped($buf)) {
        print $buf;
        $buf = '';
    }
}
print $buf;
