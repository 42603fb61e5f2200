package orgimport

import (
	"errors"

	"liangxin/internal/xlsx"
)

func asFileError(err error, target **xlsx.FileError) bool {
	return errors.As(err, target)
}
