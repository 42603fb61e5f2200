module liangxin

go 1.26.8
